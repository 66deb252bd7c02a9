"""Airflow DAG `ingest_safeguarding`: lands the safeguarding feed (see ingestion.airflow_dags)."""

from ingestion.airflow_dags import ingest_dag

dag = ingest_dag("safeguarding")
