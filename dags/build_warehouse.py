"""Airflow DAG `build_warehouse`: the dbt warehouse over the raw layer, via Cosmos (see ingestion.airflow_dags)."""

from ingestion.airflow_dags import build_warehouse_dag

dag = build_warehouse_dag()
