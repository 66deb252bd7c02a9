"""Airflow DAG `ingest_carers_hub`: lands the carers_hub feed (see ingestion.airflow_dags)."""

from ingestion.airflow_dags import ingest_dag

dag = ingest_dag("carers_hub")
