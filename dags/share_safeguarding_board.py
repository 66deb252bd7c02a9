"""Airflow DAG `share_safeguarding_board`: the Safeguarding Adults Board's quarterly data share (see
ingestion.airflow_dags and ingestion.share)."""

from ingestion.airflow_dags import share_board_dag

dag = share_board_dag()
