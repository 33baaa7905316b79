"""Airflow DAG: the weekly sales report."""
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator

with DAG(dag_id="weekly_report", start_date=datetime(2025, 1, 1), schedule="@weekly", catchup=False) as dag:
    EmptyOperator(task_id="build_report")
