"""The Airflow side of ingestion: shared defaults, feed cadences, raw-layer assets and the DAG factory.

Every ``dags/ingest_<feed>.py`` file builds its DAG with :func:`ingest_dag`, so the four DAGs share one
definition. Each DAG has three small, retryable tasks:

``fetch`` -> ``ingest`` -> ``publish``

The heavy libraries (the pipeline, Great Expectations, DuckDB, the SFTP hook) are imported inside the
tasks, so parsing the DAG files stays fast.
"""

from __future__ import annotations

import logging
import os
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from airflow.sdk import DAG, Asset, Param, task
from airflow.sdk.exceptions import AirflowSkipException

from ingestion.settings import FEEDS, Settings

log = logging.getLogger(__name__)

SFTP_CONN_ENV = "ASCWH_LANDING_SFTP_CONN_ID"  # Airflow connection id of the SFTP drop; unset: no download
RETRY_DELAY_ENV = "ASCWH_RETRY_DELAY_SECONDS"  # first retry delay; local runs (ingestion.dagrun) shorten it

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "ascwh",
    "depends_on_past": False,
    "retries": 2,
    "retry_delay": timedelta(seconds=float(os.environ.get(RETRY_DELAY_ENV, 300))),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=2),
}

UK_TIME = ZoneInfo("Europe/London")
START_DATE = datetime(2024, 1, 1, tzinfo=UK_TIME)  # the cron schedules are in UK local time

# feed -> cron, in UK local time
SCHEDULES: dict[str, str] = {
    "council": "0 2 * * *",  # nightly
    "health": "30 2 * * *",  # daily
    "carers_hub": "0 6 5 * *",  # monthly, on the 5th: the previous month's return
    "safeguarding": "0 3 * * *",  # daily
}

CADENCES: dict[str, str] = {
    "council": "nightly at 02:00",
    "health": "daily at 02:30",
    "carers_hub": "monthly, on the 5th at 06:00",
    "safeguarding": "daily at 03:00",
}

DESCRIPTIONS: dict[str, str] = {
    "council": "The council's adult social care case management system: Client Level Data events, "
    "deleted events, front-door contacts and DoLS applications (CSV).",
    "health": "The community NHS trust (occupational therapy, mental health social work, reablement, "
    "hospital discharge): referrals and the waiting list (JSON Lines).",
    "carers_hub": "The commissioned Carers Hub's monthly return: carers, carers' assessments and "
    "support (Excel workbook, produced by hand).",
    "safeguarding": "The adult safeguarding case system: concerns and enquiries, 24 months of history "
    "in every file (CSV).",
}

SETTINGS_PARAMS = tuple(f.name for f in fields(Settings))  # landing, archive, warehouse, quarantine, docs


def raw_asset(feed: str) -> Asset:
    """The asset standing for ``feed``'s tables in the raw layer; updated whenever a run changes them."""
    return Asset(name=f"raw_{feed}", uri=f"ascwh://raw/{feed}", group="raw")


RAW_ASSETS: dict[str, Asset] = {feed: raw_asset(feed) for feed in FEEDS}  # schedule on these downstream


def settings_from_params(params: dict[str, Any] | None) -> Settings:
    """Settings from the environment, with the run's path params (``None`` means "not given") on top."""
    params = params or {}
    return Settings.from_env(**{name: params.get(name) for name in SETTINGS_PARAMS})


def fetch(feed: str, params: dict[str, Any] | None = None) -> int:
    """Download new files from the SFTP drop when a connection is configured; return the pending count."""
    from ingestion.pipeline import pending_files

    settings = settings_from_params(params)
    conn_id = os.environ.get(SFTP_CONN_ENV)
    if conn_id:
        from ingestion.transfer import fetch_feed

        fetch_feed(feed, settings.landing, conn_id)
    else:
        log.info("%s is not set: nothing to download", SFTP_CONN_ENV)
    pending = len(pending_files(feed, settings))
    log.info("%d %s file(s) pending in %s", pending, feed, settings.landing / feed)
    return pending


def ingest(feed: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Land every pending file of the feed; return the run's FeedReport as a dict."""
    from ingestion.pipeline import ingest_feed

    report = ingest_feed(feed, settings_from_params(params))
    for path in report.quarantine_reports:
        log.warning("quarantined delivery, see %s", path)
    return report.to_dict()


def publish(report: dict[str, Any], params: dict[str, Any] | None = None) -> None:
    """Render Data Docs when the run saw a delivery; skip (so no asset event) unless the raw layer changed."""
    from ingestion.data_docs import build_data_docs
    from ingestion.report import FeedReport

    feed_report = FeedReport.from_dict(report)
    if feed_report.files_seen:
        log.info("Data Docs at %s", build_data_docs(settings_from_params(params)))
    if not feed_report.changed:
        raise AirflowSkipException("raw layer unchanged: no asset event")


def _doc_md(feed: str) -> str:
    """The DAG's documentation, shown in the Airflow UI."""
    return f"""\
# Ingest `{feed}`

{DESCRIPTIONS[feed]}

**Cadence:** {CADENCES[feed]} UK time (`{SCHEDULES[feed]}`, Europe/London). Files land in
`<landing>/{feed}/`; they are processed in extract-date order.

**Tasks** (each retried {DEFAULT_ARGS["retries"]} times):

1. `fetch`: when the environment variable `{SFTP_CONN_ENV}` names an Airflow SFTP connection, downloads
   the new files from the server's `{feed}/` folder into the landing folder (temporary name, then rename;
   the remote file is removed only once the local copy is complete). Otherwise it only counts the files
   pending. Returns the pending count.
2. `ingest`: lands every pending file: records it in the manifest, archives it, runs the Great Expectations
   gates and loads the DuckDB raw layer. Idempotent: a retry or a re-delivery loads nothing twice.
   Returns the feed report (files loaded, ignored, quarantined, superseded; rows loaded and rejected;
   fields flagged; schema drift).
3. `publish`: renders the Great Expectations Data Docs when the run saw a delivery, then, when the run
   changed the raw layer, updates the asset `ascwh://raw/{feed}`, which starts the DAGs scheduled on it
   (the warehouse build). Otherwise it is skipped, so no asset event.

**Quarantine:** a delivery that cannot be loaded (cut off, empty, a required column or sheet missing)
is quarantined with a readable report in the quarantine folder (`ASCWH_QUARANTINE`, by default
`$ASCWH_HOME/quarantine`); the `ingest` task logs each report's path and lists them in its return value.

**Params** (all optional): `landing`, `archive`, `warehouse`, `quarantine`, `docs` override the paths
from the `ASCWH_*` environment variables for one run.
"""


def _path_param(name: str) -> Param:
    """An optional path override for one run."""
    return Param(None, type=["null", "string"], description=f"Override the {name} path for this run.")


def ingest_dag(feed: str) -> DAG:
    """Build the DAG ``ingest_<feed>``: fetch, ingest and publish one source feed."""
    with DAG(
        dag_id=f"ingest_{feed}",
        description=f"Land the {feed} feed into the raw layer",
        doc_md=_doc_md(feed),
        schedule=SCHEDULES[feed],
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        params={name: _path_param(name) for name in SETTINGS_PARAMS},
        tags=["ascwh", "ingest", feed],
    ) as dag:
        pending = task(task_id="fetch")(fetch)(feed)
        report = task(task_id="ingest")(ingest)(feed)
        pending >> report
        task(task_id="publish", outlets=[RAW_ASSETS[feed]])(publish)(report)
    return dag
