"""The Airflow side of ingestion: shared defaults, feed cadences, raw-layer assets and the DAG factory.

Every ``dags/ingest_<feed>.py`` file builds its DAG with :func:`ingest_dag`, so the four DAGs share one
definition. Each DAG has three small, retryable tasks:

``fetch`` -> ``ingest`` -> ``publish``

``dags/build_warehouse.py`` builds the dbt warehouse with :func:`build_warehouse_dag` (Cosmos), scheduled
on the raw-layer assets the ingest DAGs publish. Every task that writes the DuckDB warehouse (``ingest``
and all of the build's tasks) runs in the one-slot pool :data:`WAREHOUSE_POOL` and holds the warehouse's
lock file while it runs, so two writers never meet.

``dags/share_safeguarding_board.py`` builds the Safeguarding Adults Board's quarterly data share with
:func:`share_board_dag` (``build_pack`` -> ``deliver``, both in the warehouse pool; logic in ``ingestion.share``).

The heavy libraries (the pipeline, Great Expectations, DuckDB, the SFTP hook, Cosmos) are imported inside
the tasks or the factory, so parsing the ingest DAG files stays fast.
"""

from __future__ import annotations

import logging
import os
from contextlib import ExitStack
from dataclasses import asdict, fields, is_dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from airflow.sdk import DAG, Asset, AssetAny, Param, task
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from ingestion.settings import FEEDS, Settings
from ingestion.share import SFTP_CONN_ENV as SHARE_SFTP_CONN_ENV

if TYPE_CHECKING:
    from ingestion.share.periods import Quarter

log = logging.getLogger(__name__)

SFTP_CONN_ENV = "ASCWH_LANDING_SFTP_CONN_ID"  # Airflow connection id of the SFTP drop; unset: no download
RETRY_DELAY_ENV = "ASCWH_RETRY_DELAY_SECONDS"  # first retry delay; local runs (ingestion.dagrun) shorten it
DBT_TARGET_ENV = "ASCWH_DBT_TARGET"  # the dbt target the build DAG renders for: duckdb (default) or postgres

# One writer at a time on the DuckDB warehouse: every task that writes it runs in this one-slot pool
# (created by ingestion.dagrun.migrate, or `airflow pools set ascwh_warehouse 1 "..."`; see docs/warehouse.md).
WAREHOUSE_POOL = "ascwh_warehouse"
WAREHOUSE_POOL_DESCRIPTION = "One writer at a time on the DuckDB warehouse: ingest tasks and the dbt build"

# Cosmos would cache parsed YAML selectors in an Airflow Variable while parsing the DAG file: a database
# write at every parse, for a parse of a few milliseconds. Off unless the deployment says otherwise.
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_CACHE_DBT_YAML_SELECTORS", "False")

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
        report = task(task_id="ingest", pool=WAREHOUSE_POOL)(ingest)(feed)
        pending >> report
        task(task_id="publish", outlets=[RAW_ASSETS[feed]])(publish)(report)
    return dag


# ---- the warehouse build ------------------------------------------------------------------------------------

BUILD_DAG_ID = "build_warehouse"
# The build's own weekly run, in UK local time (after the night's ingests): a full refresh. Between two, nightly
# builds score new records with frozen term frequencies and update the incremental models in place; the weekly
# run retrains the linkage on every record and rebuilds the incremental models from scratch.
WEEKLY_FULL_REFRESH = "0 4 * * 0"  # Sundays at 04:00
WAREHOUSE_ASSET = Asset(name="warehouse", uri="ascwh://warehouse/marts", group="warehouse")
TEST_BEHAVIOR = "build"  # cosmos.constants.TestBehavior: each model's task is `dbt build` (model, then its tests)


def ensure_pools() -> None:
    """Create or update the warehouse writers' pool (one slot) in the configured metadata database."""
    from airflow.models.pool import Pool

    Pool.create_or_update_pool(WAREHOUSE_POOL, slots=1, description=WAREHOUSE_POOL_DESCRIPTION, include_deferred=False)


def dbt_target() -> str:
    """The dbt target of the build: ``ASCWH_DBT_TARGET``, default ``duckdb``."""
    return os.environ.get(DBT_TARGET_ENV, "duckdb")


def warehouse_path(params: dict[str, Any] | None) -> str:
    """The run's DuckDB warehouse (the params' override, else the environment): a macro of the build DAG."""
    return str(settings_from_params(params).warehouse)


_held_locks: dict[str, ExitStack] = {}  # task instance -> the writer lock it holds while it runs


def _ti_key(context: Any) -> str:
    ti = context["ti"]
    return f"{ti.dag_id}/{ti.run_id}/{ti.task_id}/{ti.map_index}"


def hold_warehouse_lock(context: Any) -> None:
    """``pre_execute`` of the build's dbt tasks: take the DuckDB warehouse's writer lock (no-op on PostgreSQL)."""
    if dbt_target() != "duckdb":
        return
    from ingestion.warehouse import warehouse_lock

    release_warehouse_lock(context)  # a retry in the same process: drop what the try before held
    stack = ExitStack()
    stack.enter_context(warehouse_lock(settings_from_params(context.get("params")).warehouse))
    _held_locks[_ti_key(context)] = stack


def release_warehouse_lock(context: Any, *_: Any) -> None:
    """``post_execute`` and failure, retry and skip callbacks: close the DuckDB file dbt leaves open in the
    process, then release the lock the task holds, if any."""
    from ingestion.dbt_build import release_connections

    release_connections()
    stack = _held_locks.pop(_ti_key(context), None)
    if stack is not None:
        stack.close()


def full_refresh_wanted(params: dict[str, Any] | None, dag_run: Any = None) -> bool:
    """Whether a build run rebuilds from scratch: its ``full_refresh`` param asks, or the weekly schedule
    (:data:`WEEKLY_FULL_REFRESH`) started it rather than a delivery; a macro of the build DAG."""
    if str((params or {}).get("full_refresh", False)).lower() == "true":
        return True
    run_type = getattr(dag_run, "run_type", None)
    return str(getattr(run_type, "value", run_type)) == "scheduled"


def link_people(params: dict[str, Any] | None = None, dag_run: Any = None) -> dict[str, Any]:
    """Task ``link_people``: the linkage step (Splink) between the two dbt phases; returns its summary.

    It retrains the model on a full refresh (:func:`full_refresh_wanted`) and scores with the stored one otherwise."""
    from ingestion.dbt_build import link_people as run

    summary = run(settings_from_params(params), dbt_target(), full_refresh_wanted(params, dag_run))
    log.info("linkage: %s", summary)
    return asdict(summary) if is_dataclass(summary) and not isinstance(summary, type) else {}


def _build_doc_md(target: str, manifest: Path, deferred: dict[str, list[str]]) -> str:
    """The build DAG's documentation, shown in the Airflow UI."""
    counts = ", ".join(f"{len(names)} after `{phase}`" for phase, names in deferred.items())
    return f"""\
# Build the warehouse

Runs the dbt project (`dbt_project/`) over the raw layer, rendered by Cosmos from the manifest
(`{manifest}`), on the dbt target **`{target}`** (`{DBT_TARGET_ENV}`).

**Schedule:** whenever any of the ingest DAGs updates its raw-layer asset
({", ".join(f"`{asset.uri}`" for asset in RAW_ASSETS.values())}): a nightly build, which updates the
incremental models in place and scores only new and changed records with the stored linkage model; and
weekly (`{WEEKLY_FULL_REFRESH}`, Europe/London): a full refresh, which retrains the linkage and rebuilds
every model from scratch. One run at a time.

**Tasks**, in order:

1. `seeds`: `dbt build` of every seed (the code lists) and the tests that read only seeds.
2. `person_records`: the staging and intermediate models `int_person_records` is built from
   (dbt selector `person_records`); each model's task runs `dbt build` of the model: the model, then the
   tests that read only it and its ancestors (`--indirect-selection buildable`).
3. `link_people`: the linkage step (Splink): reads `int_person_records`, writes `linkage.person_links`
   and `linkage.clerical_review`.
4. `warehouse`: every other model (dbt selector `warehouse`): person keys, dimensions, facts, each with
   its tests; then `warehouse_cross_model_tests`: the tests a model's task leaves out because they also
   read a model or code list that is not among the model's ancestors, and so might not be built yet
   ({counts}).
5. `publish`: updates the asset `{WAREHOUSE_ASSET.uri}` for whatever reads the marts.

A failing model or test fails its task; the models downstream of it do not run.

**One writer at a time:** every task runs in the one-slot pool `{WAREHOUSE_POOL}` (as do the ingest DAGs'
`ingest` tasks) and holds the warehouse's lock file (`<warehouse>.lock`) while it runs, like ingestion.

**Params** (all optional): `warehouse` (and the other paths) override the `ASCWH_*` environment for one run;
`full_refresh` makes a run a full refresh. The same build from the command line:
`python -m ingestion.dbt_build` (see docs/warehouse.md).
"""


def build_warehouse_dag(manifest: Path | None = None) -> DAG:
    """Build the DAG ``build_warehouse``: the dbt project rendered by Cosmos in two phases around the linkage.

    ``manifest``: the parsed dbt manifest (default ``ingestion.dbt_build.manifest_path()``); parsed first
    when it does not exist yet."""
    from airflow.timetables.assets import AssetOrTimeSchedule
    from airflow.timetables.trigger import CronTriggerTimetable
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import (
        ExecutionMode,
        InvocationMode,
        LoadMode,
        SeedRenderingBehavior,
        TestBehavior,
        TestIndirectSelection,
    )
    from cosmos.operators.local import DbtBuildLocalOperator, DbtTestLocalOperator

    from ingestion import dbt_build

    manifest = (manifest or dbt_build.manifest_path()).absolute()
    if dbt_build.manifest_is_stale(manifest):
        dbt_build.parse_project(target_dir=manifest.parent)
    deferred = dbt_build.cross_model_tests(dbt_build.load_manifest(manifest))
    target = dbt_target()
    profile = ProfileConfig(
        profile_name="ascwh", target_name=target, profiles_yml_filepath=dbt_build.PROJECT_DIR / "profiles.yml"
    )
    execution = ExecutionConfig(
        execution_mode=ExecutionMode.LOCAL,
        invocation_mode=InvocationMode.DBT_RUNNER,
        dbt_project_path=dbt_build.PROJECT_DIR,
        # a model's task runs the tests that read only it and its ancestors: never one whose other model is
        # not built yet (those run in the phase's cross-model task; ingestion.dbt_build.cross_model_tests)
        test_indirect_selection=TestIndirectSelection.BUILDABLE,
    )
    # every dbt task: the run's warehouse (a template: the run's params, else the environment), the writer
    # lock around it, full refresh on request or on the weekly schedule
    env = {**dbt_build.dbt_env(None, target), "ASCWH_WAREHOUSE": "{{ ascwh_warehouse(params) }}"}
    project = ProjectConfig(manifest_path=manifest, project_name="ascwh", env_vars=env)
    dbt_args: dict[str, Any] = {
        "append_env": True,
        "full_refresh": "{{ ascwh_full_refresh(params, dag_run) }}",
        # each task is one small dbt invocation: skip writing manifest.json and run_results.json (a few
        # seconds each time) and cache only the schemas of the selected nodes
        "dbt_cmd_flags": ["--no-write-json"],
        "cache_selected_only": True,
        "pre_execute": hold_warehouse_lock,
        "post_execute": release_warehouse_lock,
        "on_failure_callback": release_warehouse_lock,
        "on_retry_callback": release_warehouse_lock,
        "on_skipped_callback": release_warehouse_lock,
    }
    dbt_task_args = {"project_dir": str(dbt_build.PROJECT_DIR), "profile_config": profile, "env": env, **dbt_args}

    def render(selector: str) -> RenderConfig:
        return RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            selector=selector,
            test_behavior=TestBehavior(TEST_BEHAVIOR),
            seed_rendering_behavior=SeedRenderingBehavior.NONE,  # the `seeds` task builds them all at once
            emit_datasets=False,
        )

    params: dict[str, Param] = {name: _path_param(name) for name in SETTINGS_PARAMS}
    params["full_refresh"] = Param(
        False, type="boolean", description="Retrain the linkage and rebuild every model from scratch (as weekly)."
    )
    with DAG(
        dag_id=BUILD_DAG_ID,
        description="Build the dbt warehouse over the raw layer (Cosmos), with the person linkage",
        doc_md=_build_doc_md(target, manifest, deferred),
        schedule=AssetOrTimeSchedule(
            timetable=CronTriggerTimetable(WEEKLY_FULL_REFRESH, timezone=UK_TIME.key),
            assets=AssetAny(*RAW_ASSETS.values()),
        ),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args={**DEFAULT_ARGS, "pool": WAREHOUSE_POOL},
        params=params,
        user_defined_macros={"ascwh_warehouse": warehouse_path, "ascwh_full_refresh": full_refresh_wanted},
        tags=["ascwh", "dbt", "warehouse"],
    ) as dag:
        seeds = DbtBuildLocalOperator(
            task_id="seeds", select=["resource_type:seed"], indirect_selection="cautious", **dbt_task_args
        )
        phases = {}
        for selector in (dbt_build.PERSON_RECORDS_SELECTOR, dbt_build.WAREHOUSE_SELECTOR):
            group = DbtTaskGroup(
                group_id=selector,
                project_config=project,
                profile_config=profile,
                execution_config=execution,
                render_config=render(selector),
                operator_args=dbt_args,
            )
            phases[selector] = [group]
            if deferred[selector]:
                cross = DbtTestLocalOperator(
                    task_id=f"{selector}_cross_model_tests", select=deferred[selector], **dbt_task_args
                )
                group >> cross
                phases[selector].append(cross)
        link = task(task_id="link_people")(link_people)()
        publish = task(task_id="publish", outlets=[WAREHOUSE_ASSET])(_publish)()
        seeds >> phases[dbt_build.PERSON_RECORDS_SELECTOR][0]
        phases[dbt_build.PERSON_RECORDS_SELECTOR][-1] >> link >> phases[dbt_build.WAREHOUSE_SELECTOR][0]
        phases[dbt_build.WAREHOUSE_SELECTOR][-1] >> publish
    return dag


def _publish() -> None:
    """Task ``publish``: nothing to do but end the run, so the warehouse asset gets its event."""
    log.info("warehouse built: %s", WAREHOUSE_ASSET.uri)


# ---- the Safeguarding Adults Board's data share -------------------------------------------------------------

SHARE_DAG_ID = "share_safeguarding_board"
SHARE_SCHEDULE = "0 7 15 1,4,7,10 *"  # quarterly: the 15th of the month after a quarter ends, 07:00 UK time


def _share_quarter(params: dict[str, Any], logical_date: datetime | None, dag_run: Any) -> Quarter:
    """The run's quarter: the ``quarter`` param, else the last quarter ended before the run (UK time)."""
    from ingestion.share.periods import Quarter

    if params.get("quarter"):
        return Quarter.parse(params["quarter"])
    when = logical_date or dag_run.run_after
    return Quarter.last_complete(when.astimezone(UK_TIME).date())


def _outbox(params: dict[str, Any]) -> Path:
    from ingestion.settings import outbox_path

    return Path(params["outbox"]).absolute() if params.get("outbox") else outbox_path()


def stage_board_pack(
    params: dict[str, Any] | None = None, logical_date: datetime | None = None, dag_run: Any = None
) -> str:
    """Task ``build_pack``: the quarter's pack from the marts, written into a staging folder; returns its path."""
    from ingestion.share.board import stage_pack
    from ingestion.share.pseudonymise import PseudonymisationKeyMissing, pseudonymisation_key

    params = params or {}
    quarter = _share_quarter(params, logical_date, dag_run)
    try:
        key = pseudonymisation_key()  # first: without a key nothing is built
    except PseudonymisationKeyMissing as error:
        raise AirflowFailException(str(error)) from None  # a retry would not find one either
    staging = stage_pack(settings_from_params(params), quarter, outbox=_outbox(params), key=key)
    log.info("pack of %s written to %s", quarter, staging)
    return str(staging)


def deliver_board_pack(staging: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Task ``deliver``: deliver the staged pack (outbox, or SFTP when configured) and record it; returns the
    delivery in force, with ``delivered`` false when the same content had been delivered already."""
    from ingestion.share.deliver import deliver_pack

    params = params or {}
    delivery, delivered = deliver_pack(
        Path(staging),
        settings_from_params(params).warehouse,
        outbox=_outbox(params),
        recipient=params["recipient"],
        sftp_conn_id=os.environ.get(SHARE_SFTP_CONN_ENV) or None,
    )
    return {**delivery.to_dict(), "delivered": delivered}


def _share_doc_md() -> str:
    return f"""\
# Share safeguarding data with the Safeguarding Adults Board

The quarterly data share (`ingestion/share`): Safeguarding Adults Collection tables (concerns, enquiries, type,
location and source of risk, risk outcomes, Making Safeguarding Personal), rates per 100,000 adults beside
England's, equity breakdowns and data-quality notes, for the quarter and the financial year to date, all under
statistical disclosure control; and a concern-level extract for the board's audit, pseudonymised with a keyed
hash. Written as a CSV per table, one workbook, an HTML report with charts and `manifest.json` (every file's
sha256 and size, the quarter, the generation time, the code version).

**Schedule:** quarterly, on the 15th of January, April, July and October at 07:00 UK time (`{SHARE_SCHEDULE}`,
Europe/London): the quarter that ended before the run.

**Tasks** (each in the one-slot pool `{WAREHOUSE_POOL}`, holding the warehouse's lock while it reads or writes it):

1. `build_pack`: reads the marts and writes the pack into `<outbox>/.staging/`. Needs the pseudonymisation key:
   the password of the Airflow connection `ascwh_share` (from the secrets backend); fails without it.
2. `deliver`: to `<outbox>/safeguarding_board/<quarter>/` (atomic replace), or, when `{SHARE_SFTP_CONN_ENV}`
   names an Airflow SFTP connection, to `safeguarding_board/<quarter>/` on that server (uploaded to a partial
   folder, then renamed). Records the delivery in `share.deliveries`. Idempotent: a pack identical to the last
   one delivered to the same place is not sent again and adds no row.

**Params** (all optional): `quarter` (e.g. `2023Q4`, October to December 2023), `recipient`, `outbox`, and the
`ASCWH_*` paths. The outbox is `ASCWH_OUTBOX`, else `$ASCWH_HOME/outbox`.
"""


def share_board_dag() -> DAG:
    """Build the DAG ``share_safeguarding_board``: the board's quarterly data share."""
    from ingestion.share import DEFAULT_RECIPIENT

    params: dict[str, Param] = {name: _path_param(name) for name in SETTINGS_PARAMS}
    params["outbox"] = _path_param("outbox")
    params["quarter"] = Param(
        None, type=["null", "string"], pattern=r"^\d{4}Q[1-4]$", description="The quarter, e.g. 2023Q4."
    )
    params["recipient"] = Param(DEFAULT_RECIPIENT, type="string", description="Who the share is for (audited).")
    with DAG(
        dag_id=SHARE_DAG_ID,
        description="The Safeguarding Adults Board's quarterly data share",
        doc_md=_share_doc_md(),
        schedule=SHARE_SCHEDULE,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args={**DEFAULT_ARGS, "pool": WAREHOUSE_POOL},
        params=params,
        tags=["ascwh", "share", "safeguarding"],
    ) as dag:
        staging = task(task_id="build_pack")(stage_board_pack)()
        task(task_id="deliver")(deliver_board_pack)(staging)
    return dag
