"""The DAGs: they parse, are configured as specified, and ``dag.test()`` runs land a feed and build the warehouse.

The run tests use the real ``ingestion.pipeline`` (pending_files, ingest_feed), ``ingestion.data_docs`` and,
for ``build_warehouse``, dbt through Cosmos and the linkage step on a small simulated year.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.dagrun import (
    DAGS_FOLDER,
    asset_event_uris,
    feed_report,
    run_feed_dag,
    run_feeds,
    run_in_process,
)
from ingestion.settings import FEEDS, Settings

FIXTURES = Path(__file__).parent / "fixtures" / "landing"

SCHEDULES = {
    "council": "0 2 * * *",
    "health": "30 2 * * *",
    "carers_hub": "0 6 5 * *",
    "safeguarding": "0 3 * * *",
}

# Carers Hub return sheets: header, then data rows (the workbook is built here, not kept as a binary)
# fmt: off
CARERS_HUB_RETURN: dict[str, list[list[object]]] = {
    "Carers": [
        ["Carer Ref", "Name", "DOB", "Postcode", "Sex", "Ethnicity", "Registered", "Cared For Name",
         "Cared For DOB", "Relationship", "Council ID", "Hours Caring Per Week", "Status"],
        ["CH00001", "Edith Testperson", "12/04/1956", "GL50 2BB", "F", "White British", date(2023, 6, 1),
         "Ada Testperson", "02/03/1941", "Daughter", "P0000101", "20-49 hours", "Active"],
        ["CH00002", "Frank Testperson", date(1949, 9, 3), "GL7 1CC", "Male", "Prefer not to say",
         date(2024, 1, 15), "Gina Testperson", "21/12/1947", "Husband", None, "50+ hours", "Active"],
    ],
    "Assessments": [
        ["Assessment Ref", "Carer Ref", "Type", "Referred", "Completed"],
        ["CA00001", "CH00001", "Care Act compliant", date(2023, 6, 5), date(2023, 7, 1)],
    ],
    "Support": [
        ["Carer Ref", "Date", "Support Type"],
        ["CH00001", date(2024, 1, 10), "Peer support group"],
        ["CH00002", date(2024, 1, 16), "Welcome call"],
    ],
}
# fmt: on


def deliver(feed: str, landing: Path) -> int:
    """Put one valid delivery of ``feed`` in the landing folder; return its number of data rows."""
    folder = landing / feed
    folder.mkdir(parents=True, exist_ok=True)
    if feed == "carers_hub":
        return _write_carers_hub_return(folder / "carers_hub_return_2024-01.xlsx")
    rows = 0
    for fixture in sorted((FIXTURES / feed).iterdir()):
        shutil.copy(fixture, folder / fixture.name)
        lines = [line for line in fixture.read_text(encoding="utf-8").splitlines() if line]
        rows += len(lines) - (fixture.suffix == ".csv")  # a CSV's first line is its header
    return rows


def _write_carers_hub_return(path: Path) -> int:
    """Write the Carers Hub workbook; return its number of data rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in CARERS_HUB_RETURN.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return sum(len(rows) - 1 for rows in CARERS_HUB_RETURN.values())


@pytest.fixture(scope="module")
def dagbag(dbt_manifest: Path):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=DAGS_FOLDER)  # build_warehouse renders from the fresh manifest (ASCWH_DBT_MANIFEST)


def test_dags_import_without_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {f"ingest_{feed}" for feed in FEEDS} | {"build_warehouse", "share_safeguarding_board"}


@pytest.mark.parametrize("feed", FEEDS)
def test_dag_is_configured_as_specified(dagbag, feed: str) -> None:
    dag = dagbag.dags[f"ingest_{feed}"]
    assert dag.schedule == SCHEDULES[feed]
    assert dag.timezone.name == "Europe/London"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert {"ascwh", "ingest", feed} <= set(dag.tags)
    assert f"`{feed}`" in dag.doc_md and "quarantine" in dag.doc_md
    assert set(dag.params) == {"landing", "archive", "warehouse", "quarantine", "docs"}
    assert dag.task_dict["fetch"].downstream_task_ids == {"ingest"}
    assert dag.task_dict["ingest"].downstream_task_ids == {"publish"}
    assert all(task.retries == 2 and task.owner == "ascwh" for task in dag.tasks)
    assert dag.task_dict["fetch"].outlets == dag.task_dict["ingest"].outlets == []
    assert [asset.uri for asset in dag.task_dict["publish"].outlets] == [f"ascwh://raw/{feed}"]
    assert dag.task_dict["ingest"].pool == "ascwh_warehouse"  # one writer at a time, with the warehouse build


def test_raw_assets_name_one_asset_per_feed() -> None:
    from ingestion.airflow_dags import RAW_ASSETS

    assert {feed: asset.uri for feed, asset in RAW_ASSETS.items()} == {feed: f"ascwh://raw/{feed}" for feed in FEEDS}


@pytest.mark.slow
@pytest.mark.parametrize("feed", FEEDS)
def test_run_lands_the_feed_then_has_nothing_to_do(airflow_db: Path, settings: Settings, feed: str) -> None:
    rows = deliver(feed, settings.landing)

    run = run_feed_dag(feed, settings)
    report = feed_report(run)
    assert run.state == "success"
    assert report is not None
    assert (report.files_loaded, report.files_quarantined) == (1, 0)
    assert (report.rows_loaded, report.rows_rejected, report.fields_flagged) == (rows, 0, 0)
    assert asset_event_uris(run) == [f"ascwh://raw/{feed}"]
    assert (settings.docs / "index.html").exists()

    rerun = run_feed_dag(feed, settings)
    again = feed_report(rerun)
    assert rerun.state == "success"
    assert again is not None and again.files_loaded == 0 and not again.changed
    assert rerun.get_task_instance("publish").state == "skipped"
    assert asset_event_uris(rerun) == []


@pytest.mark.slow
def test_run_with_nothing_pending_emits_no_asset_event(airflow_db: Path, settings: Settings) -> None:
    (settings.landing / "health").mkdir(parents=True)

    run = run_feed_dag("health", settings)
    report = feed_report(run)
    assert run.state == "success"
    assert report is not None and report.files_seen == 0
    assert asset_event_uris(run) == []
    assert not settings.docs.exists()  # nothing validated, nothing to render


@pytest.mark.slow
def test_failed_run_is_reported_after_quick_retries(airflow_db: Path, settings: Settings) -> None:
    settings.warehouse.mkdir(parents=True)  # a folder where the DuckDB file should be: ingest fails
    deliver("health", settings.landing)

    result = run_in_process(settings, ["health"])

    assert result.failed == {"ingest_health": "failed"}
    assert result.reports == []


@pytest.mark.slow
def test_run_feeds_runs_the_dags_in_a_child_process(settings: Settings, tmp_path: Path) -> None:
    rows = {feed: deliver(feed, settings.landing) for feed in ("council", "safeguarding")}

    reports = run_feeds(settings, feeds=("council", "safeguarding"), airflow_home=tmp_path / "airflow")

    assert [(r.feed, r.files_loaded, r.rows_loaded) for r in reports] == [
        ("council", 1, rows["council"]),
        ("safeguarding", 1, rows["safeguarding"]),
    ]
    assert (tmp_path / "airflow" / "airflow.db").exists()


def test_print_reports_shows_counts_and_what_needs_a_look() -> None:
    from rich.console import Console

    from ingestion.console import print_reports
    from ingestion.report import FeedReport

    console = Console(record=True, width=200)
    reports = [
        FeedReport(feed="council", files_seen=2, files_loaded=2, rows_loaded=1234, rows_rejected=3),
        FeedReport(
            feed="carers_hub",
            files_seen=1,
            files_quarantined=1,
            schema_drift=["carers.Notes"],
            quarantine_reports=["/q/carers_hub_return_2024-01.xlsx.md"],
        ),
    ]

    print_reports(reports, console)

    text = console.export_text()
    assert "council" in text and "1,234" in text
    assert "carers_hub: new columns loaded: carers.Notes" in text
    assert "carers_hub: delivery quarantined, see /q/carers_hub_return_2024-01.xlsx.md" in text


# ---- build_warehouse -------------------------------------------------------------------------------------------


def _models_of(dag, group: str) -> set[str]:
    """The dbt nodes the Cosmos task group renders (unique ids)."""
    return {
        task.extra_context["dbt_node_config"]["unique_id"]
        for task in dag.tasks
        if task.task_id.startswith(f"{group}.") and "dbt_node_config" in getattr(task, "extra_context", {})
    }


def test_build_dag_is_configured_as_specified(dagbag, dbt_manifest: Path) -> None:
    from ingestion.dbt_build import cross_model_tests, invoke, load_manifest

    dag = dagbag.dags["build_warehouse"]
    # a nightly run whenever a feed lands, and the weekly full refresh
    assert type(dag.schedule).__name__ == "AssetOrTimeSchedule"
    assert {asset.uri for asset in dag.schedule.asset_condition.objects} == {f"ascwh://raw/{feed}" for feed in FEEDS}
    assert dag.schedule.timetable.serialize() == {
        "expression": "0 4 * * 0",
        "timezone": "Europe/London",
        "interval": 0.0,
        "run_immediately": False,
    }
    assert dag.max_active_runs == 1 and dag.catchup is False
    assert "Build the warehouse" in dag.doc_md and "ascwh_warehouse" in dag.doc_md
    assert {"warehouse", "full_refresh"} <= set(dag.params)
    assert all(task.pool == "ascwh_warehouse" and task.retries == 2 and task.owner == "ascwh" for task in dag.tasks)
    assert [asset.uri for asset in dag.task_dict["publish"].outlets] == ["ascwh://warehouse/marts"]

    # the order of the phases
    link = dag.task_dict["link_people"]
    assert all(task_id.startswith("person_records.") or task_id.endswith("cross_model_tests")
               for task_id in link.upstream_task_ids)  # fmt: skip
    assert link.downstream_task_ids and all(t.startswith("warehouse.") for t in link.downstream_task_ids)
    assert dag.task_dict["seeds"].downstream_task_ids <= {t for t in dag.task_ids if t.startswith("person_records.")}

    # Cosmos renders from the manifest exactly the models dbt's selectors hold
    for selector in ("person_records", "warehouse"):
        listed = invoke(["ls", "--selector", selector, "--resource-type", "model", "--output", "json",
                         "--output-keys", "unique_id"], target_dir=dbt_manifest.parent)  # fmt: skip
        assert listed.success
        assert _models_of(dag, selector) == {json.loads(line)["unique_id"] for line in listed.result}, selector

    # each model task runs its model and the tests that read only it and its ancestors; the rest after the phase
    task = dag.task_dict["person_records.int_person_records_model_build"]
    assert task.indirect_selection == "buildable" and "--no-write-json" in task.dbt_cmd_flags
    deferred = cross_model_tests(load_manifest(dbt_manifest))["warehouse"]
    if deferred:
        assert sorted(dag.task_dict["warehouse_cross_model_tests"].select) == deferred


def test_a_build_run_is_a_full_refresh_when_asked_or_weekly(dagbag) -> None:
    """The weekly scheduled run retrains the linkage and rebuilds every model; a run a delivery started does not,
    unless its params ask. The dbt tasks render the decision into Cosmos' --full-refresh."""
    from types import SimpleNamespace

    from ingestion.airflow_dags import full_refresh_wanted

    dag = dagbag.dags["build_warehouse"]
    task = dag.task_dict["person_records.int_person_records_model_build"]
    for run_type, asked, expected in [
        ("scheduled", False, True),
        ("asset_triggered", False, False),
        ("manual", False, False),
        ("manual", True, True),
        ("asset_triggered", "true", True),
    ]:
        dag_run = SimpleNamespace(run_type=run_type)
        params = {"full_refresh": asked}
        assert full_refresh_wanted(params, dag_run) is expected, (run_type, asked)
        context = {"params": params, "dag_run": dag_run}  # the DAG supplies the macro ascwh_full_refresh
        assert task.render_template(task.full_refresh, context) == str(expected), (run_type, asked)


# Every task of build_warehouse is a dbt invocation with a fixed cost of a few seconds: the whole DAG (about
# 60 tasks) takes minutes. By default the test runs the seeds, all of phase 1, the linkage, the person keys
# and a path to the marts through phase 3, the cross-model tests and publish, on a warehouse built already
# (so the phase-3 tasks marked successful have their tables); ASCWH_TEST_FULL_DAG=1 runs every task.
PHASE_3_RUN = ("int_person_keys", "int_person_observations", "dim_person", "dim_date", "dim_locality", "fct_contacts")


@pytest.mark.slow
def test_build_dag_runs_the_models_and_the_linkage(
    airflow_db: Path, small_year_built: tuple[Settings, object], tmp_path: Path
) -> None:
    import os
    import time

    from airflow.dag_processing.dagbag import DagBag

    from ingestion.dagrun import run_conf

    built, _ = small_year_built
    settings = replace(built, warehouse=tmp_path / "wh.duckdb")
    shutil.copy(built.warehouse, settings.warehouse)
    dag = DagBag(dag_folder=DAGS_FOLDER).dags["build_warehouse"]
    full = os.environ.get("ASCWH_TEST_FULL_DAG") == "1"
    # dag.test() marks successful, without running them, the tasks whose id matches this pattern in full
    skipped = None if full else rf"warehouse\.(?!(?:{'|'.join(PHASE_3_RUN)})_model_build$).*"

    started = time.monotonic()
    run = dag.test(run_conf=run_conf(settings), mark_success_pattern=skipped)
    print(f"build_warehouse dag.test(): {len(dag.tasks)} tasks in {time.monotonic() - started:.0f} s")

    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert {t: s for t, s in states.items() if s != "success"} == {}
    assert run.state == "success"
    phase_one = [t for t in states if t.startswith("person_records.") and t.endswith("_model_build")]
    assert len(phase_one) >= 5 and states["seeds"] == states["link_people"] == "success"
    assert {f"warehouse.{m}_model_build" for m in PHASE_3_RUN} <= set(states)
    assert asset_event_uris(run) == ["ascwh://warehouse/marts"]
    # what ran wrote the warehouse: the links of this run, and the marts built on them
    conn = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        links = conn.execute("select count(distinct person_key) from linkage.person_links").fetchone()[0]
        persons = conn.execute("select count(distinct person_key) from marts.dim_person").fetchone()[0]
        contacts = conn.execute("select count(*) from marts.fct_contacts").fetchone()[0]
    finally:
        conn.close()
    assert links > 0 and 0 < persons <= links and contacts > 0


# ---- share_safeguarding_board -----------------------------------------------------------------------------------


def test_share_dag_is_configured_as_specified(dagbag) -> None:
    dag = dagbag.dags["share_safeguarding_board"]
    assert dag.schedule == "0 7 15 1,4,7,10 *" and dag.timezone.name == "Europe/London"  # quarterly
    assert dag.catchup is False and dag.max_active_runs == 1
    assert {"ascwh", "share", "safeguarding"} <= set(dag.tags)
    assert "Safeguarding Adults Board" in dag.doc_md and "ascwh_share" in dag.doc_md
    assert {"quarter", "recipient", "outbox", "warehouse"} <= set(dag.params)
    assert dag.task_dict["build_pack"].downstream_task_ids == {"deliver"}
    assert all(task.pool == "ascwh_warehouse" and task.retries == 2 and task.owner == "ascwh" for task in dag.tasks)


def _returned(run, task_id: str):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    query = XComModel.get_many(run_id=run.run_id, dag_ids=run.dag_id, task_ids=task_id, key="return_value")
    with create_session() as session:
        xcom = session.scalars(query).first()
        return XComModel.deserialize_value(xcom) if xcom else None


@pytest.mark.slow
def test_share_dag_delivers_a_quarter_once(
    airflow_db: Path, small_year_built: tuple[Settings, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.dag_processing.dagbag import DagBag

    from ingestion.dagrun import run_conf

    built, _ = small_year_built
    settings = replace(built, warehouse=tmp_path / "wh.duckdb")
    shutil.copy(built.warehouse, settings.warehouse)
    conf = {**run_conf(settings), "outbox": str(tmp_path / "outbox"), "quarter": "2023Q4"}
    dag = DagBag(dag_folder=DAGS_FOLDER).dags["share_safeguarding_board"]

    monkeypatch.delenv("AIRFLOW_CONN_ASCWH_SHARE", raising=False)
    no_key = dag.test(run_conf=conf)  # no pseudonymisation key: nothing is built, nothing delivered
    assert no_key.get_task_instance("build_pack").state == "failed"
    assert not (tmp_path / "outbox" / "safeguarding_board").exists()

    key = json.dumps({"conn_type": "generic", "password": "test-only-pseudonymisation-key-0123456789"})
    monkeypatch.setenv("AIRFLOW_CONN_ASCWH_SHARE", key)
    first = dag.test(run_conf=conf)
    again = dag.test(run_conf=conf)

    assert first.state == again.state == "success"
    delivered, repeated = _returned(first, "deliver"), _returned(again, "deliver")
    assert delivered["delivered"] is True and repeated["delivered"] is False
    assert repeated["delivery_id"] == delivered["delivery_id"] and delivered["quarter"] == "2023Q4"
    folder = tmp_path / "outbox" / "safeguarding_board" / "2023Q4"
    assert {item["name"] for item in delivered["files"]} == {
        path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
    }
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        assert conn.execute("select count(*) from share.deliveries").fetchone()[0] == 1
