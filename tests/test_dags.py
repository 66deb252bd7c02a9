"""The ingestion DAGs: they parse, are configured as specified, and a ``dag.test()`` run lands a feed.

The run tests use the real ``ingestion.pipeline`` (pending_files, ingest_feed) and ``ingestion.data_docs``.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

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
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=DAGS_FOLDER)


def test_dags_import_without_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {f"ingest_{feed}" for feed in FEEDS}


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
