"""Airflow DAG `ingest_council`: lands the council feed (see ingestion.airflow_dags)."""

from ingestion.airflow_dags import ingest_dag

dag = ingest_dag("council")
