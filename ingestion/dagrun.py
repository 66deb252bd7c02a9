"""Run the ingestion DAGs without a scheduler, with ``dag.test()``: for ``ascwh run`` and the tests.

Airflow reads its configuration when it is first imported, so :func:`run_feeds` runs the DAGs in a child
process (``python -m ingestion.dagrun``) whose environment (:func:`airflow_env`) is set before anything
imports Airflow: a SQLite metadata database in its own Airflow home, the repository's ``dags/`` folder,
no example DAGs, no telemetry. A process that set that environment before its first Airflow import (the
test suite does) may call :func:`migrate` and :func:`run_feed_dag` directly.

``dag.test()`` runs only a DAG that is in the metadata database. Since Airflow 3.1 it syncs the DAG
bundles itself before the run (``DagBundlesManager().sync_bundles_to_db()``, then ``sync_bag_to_db`` of
the bundle that holds the DAG), so all this module must do is make the ``dags-folder`` bundle point at
``dags/`` and migrate the database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from ingestion.report import FeedReport
from ingestion.settings import FEEDS, Settings

if TYPE_CHECKING:
    from airflow.models.dagrun import DagRun

DAGS_FOLDER = Path(__file__).resolve().parent.parent / "dags"
INGEST_TASK = "ingest"
# read by ingestion.airflow_dags; a local run waits in-process between retries, so keep them short
LOCAL_RETRY_DELAY_SECONDS = "1"


class FeedRunError(RuntimeError):
    """One or more DAG runs did not succeed; ``reports`` holds the feeds that did."""

    def __init__(self, failed: dict[str, str], reports: list[FeedReport], log: Path) -> None:
        states = ", ".join(f"{dag_id}: {state}" for dag_id, state in failed.items())
        super().__init__(f"DAG runs did not succeed ({states}); Airflow's log: {log}")
        self.failed = failed
        self.reports = reports
        self.log = log


@dataclass
class RunResult:
    """What the child process hands back: the reports of the feeds run, and the runs that failed."""

    reports: list[FeedReport]
    failed: dict[str, str]  # dag_id -> final state

    def to_json(self) -> str:
        return json.dumps({"reports": [r.to_dict() for r in self.reports], "failed": self.failed})

    @classmethod
    def from_json(cls, text: str) -> RunResult:
        data = json.loads(text)
        return cls([FeedReport.from_dict(r) for r in data["reports"]], data["failed"])


def default_airflow_home(settings: Settings) -> Path:
    """The Airflow home of local runs: ``airflow/`` beside the warehouse database."""
    return settings.warehouse.parent / "airflow"


def airflow_env(home: Path) -> dict[str, str]:
    """Environment variables configuring an offline Airflow with its SQLite metadata DB under ``home``."""
    home = home.resolve()
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW_CONFIG": str(home / "airflow.cfg"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "SCARF_ANALYTICS": "false",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__COSMOS__ENABLE_CACHE_DBT_YAML_SELECTORS": "False",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "ASCWH_RETRY_DELAY_SECONDS": LOCAL_RETRY_DELAY_SECONDS,
    }


def migrate() -> None:
    """Create or upgrade the configured metadata database (fast when it is already at the head revision), and
    create the warehouse writers' pool."""
    from airflow import settings as airflow_settings
    from airflow.utils import db

    from ingestion.airflow_dags import ensure_pools

    database = Path(airflow_settings.engine.url.database or "")
    if database.exists():
        try:
            db.check_migrations(timeout=0)
            ensure_pools()
            return
        except TimeoutError:
            pass  # behind the code: upgrade below
    db.initdb()
    ensure_pools()


def run_conf(settings: Settings) -> dict[str, str]:
    """The run conf that makes a DAG run use exactly these settings (the DAGs' params are its fields)."""
    return {field.name: str(getattr(settings, field.name)) for field in fields(settings)}


def run_feed_dag(feed: str, settings: Settings) -> DagRun:
    """Run ``ingest_<feed>`` once, in this process, on these settings; return the finished DAG run."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=DAGS_FOLDER)  # parsed from dags/, so fileloc names the DAG file
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag.dags[f"ingest_{feed}"].test(run_conf=run_conf(settings))


def feed_report(dag_run: DagRun) -> FeedReport | None:
    """The FeedReport the run's ingest task returned (None when it returned nothing)."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    query = XComModel.get_many(run_id=dag_run.run_id, dag_ids=dag_run.dag_id, task_ids=INGEST_TASK, key="return_value")
    with create_session() as session:
        xcom = session.scalars(query).first()
        value = XComModel.deserialize_value(xcom) if xcom else None
    return FeedReport.from_dict(value) if value else None


def asset_event_uris(dag_run: DagRun) -> list[str]:
    """URIs of the assets the run emitted events for."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    query = (
        select(AssetModel.uri)
        .join(AssetEvent, AssetEvent.asset_id == AssetModel.id)
        .where(AssetEvent.source_dag_id == dag_run.dag_id, AssetEvent.source_run_id == dag_run.run_id)
    )
    with create_session() as session:
        return list(session.scalars(query))


def run_in_process(settings: Settings, feeds: Iterable[str]) -> RunResult:
    """Migrate, then run each feed's DAG in this process (Airflow must be configured already)."""
    from airflow.utils.state import DagRunState

    migrate()
    result = RunResult(reports=[], failed={})
    for feed in feeds:
        dag_run = run_feed_dag(feed, settings)
        report = feed_report(dag_run)
        if report is not None:
            result.reports.append(report)
        if dag_run.state != DagRunState.SUCCESS:
            result.failed[dag_run.dag_id] = str(dag_run.state)
    return result


def run_feeds(settings: Settings, feeds: Sequence[str] = FEEDS, airflow_home: Path | None = None) -> list[FeedReport]:
    """Run the ingestion DAGs of ``feeds`` once each, in a child process; return their reports.

    The Airflow home defaults to :func:`default_airflow_home`; Airflow's own output goes to
    ``<home>/logs/ascwh-run.log``. Raises :class:`FeedRunError` when a DAG run does not succeed.
    """
    if not feeds:
        return []
    home = (airflow_home or default_airflow_home(settings)).resolve()
    log = home / "logs" / "ascwh-run.log"
    result_file = home / "ascwh-run-result.json"
    log.parent.mkdir(parents=True, exist_ok=True)
    result_file.unlink(missing_ok=True)
    env = {**os.environ, **settings.to_env(), **airflow_env(home)}
    with log.open("w") as output:
        command = [sys.executable, "-m", "ingestion.dagrun", "--result", str(result_file), *feeds]
        subprocess.run(command, env=env, stdout=output, stderr=subprocess.STDOUT, check=False)
    if not result_file.exists():
        raise FeedRunError({f"ingest_{feed}": "not run" for feed in feeds}, [], log)
    result = RunResult.from_json(result_file.read_text())
    if result.failed:
        raise FeedRunError(result.failed, result.reports, log)
    return result.reports


def main(argv: Sequence[str] | None = None) -> None:
    """Child-process entry point: run the feeds' DAGs on ``Settings.from_env()``, write a RunResult."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--result", type=Path, required=True, help="where to write the RunResult JSON")
    parser.add_argument("feeds", nargs="+", choices=FEEDS)
    args = parser.parse_args(argv)
    result = run_in_process(Settings.from_env(), args.feeds)
    args.result.write_text(result.to_json())


if __name__ == "__main__":
    main()
