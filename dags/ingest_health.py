"""Airflow DAG `ingest_health`: lands the health feed (see ingestion.airflow_dags)."""

from ingestion.airflow_dags import ingest_dag

dag = ingest_dag("health")
