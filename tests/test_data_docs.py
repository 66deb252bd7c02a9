"""Data Docs: GX renders the validations stored in the warehouse, the failures show, no personal data leaks.

The warehouse is built for real: small council event deliveries (generated from the contract's columns, with
a rejected row and a flagged field) go through ``ingest_feed``.
"""

from __future__ import annotations

import csv
import re
import socket
from pathlib import Path

import duckdb
import pytest

from ingestion.contracts import COUNCIL_EVENTS
from ingestion.data_docs import build_data_docs, stored_validations
from ingestion.pipeline import ingest_feed
from ingestion.settings import Settings

# personal values put in the deliveries: none may reach the docs
FIRST_NAME = "Wilhelmina"
LAST_NAME = "Quackenbush"
DATE_OF_BIRTH = "1931-07-19"
NHS_NUMBER = "9434765919"  # valid
BAD_NHS_NUMBER = "9434765918"  # fails modulus 11: the field is flagged, the row loads
PERSONAL = (FIRST_NAME, LAST_NAME, DATE_OF_BIRTH, NHS_NUMBER, BAD_NHS_NUMBER, "19/07/1931", "19310719")


def _row(reference: str, start: str, **values: str) -> dict[str, str]:
    row = dict.fromkeys((column.name for column in COUNCIL_EVENTS.columns), "")
    row.update(
        LA_Code="E10000013",
        LA_Person_Unique_Identifier="P0000101",
        NHS_Number=NHS_NUMBER,
        First_Name=FIRST_NAME,
        Last_Name=LAST_NAME,
        Date_of_Birth=DATE_OF_BIRTH,
        Event_Type="Request",
        Event_Reference=reference,
        Event_Start_Date=start,
    )
    row.update(values)
    return row


def _deliver(settings: Settings, extract: str, rows: list[dict[str, str]]) -> None:
    folder = settings.landing / "council"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"council_events_{extract}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[column.name for column in COUNCIL_EVENTS.columns])
        writer.writeheader()
        writer.writerows(rows)


def _text(path: Path) -> str:
    """A page's visible text (tags and scripts dropped), whitespace collapsed."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Two runs: one batch of two files (one row rejected, one field flagged), then one clean file."""
    home = tmp_path_factory.mktemp("data_docs")
    settings = Settings(
        landing=home / "landing",
        archive=home / "archive",
        warehouse=home / "warehouse" / "ascwh.duckdb",
        quarantine=home / "quarantine",
        docs=home / "docs",
    )
    _deliver(
        settings,
        "20240105",
        [
            _row("E000000001", "2024-01-02", Event_End_Date="2024-01-03"),
            _row("E000000002", "2024-01-03", NHS_Number=BAD_NHS_NUMBER),  # flagged
            _row("E000000003", "2024-01-04", Event_End_Date="2024-01-01"),  # rejected: ends before it starts
        ],
    )
    _deliver(settings, "20240106", [_row("E000000004", "2024-01-05")])
    first = ingest_feed("council", settings)
    assert (first.files_loaded, first.rows_rejected, first.fields_flagged) == (2, 1, 1)
    _deliver(settings, "20240107", [_row("E000000005", "2024-01-06")])
    assert ingest_feed("council", settings).files_loaded == 1
    return settings


@pytest.fixture(scope="module")
def docs(warehouse: Settings) -> Path:
    with pytest.MonkeyPatch.context() as patch:  # offline: any attempt to open a connection fails the build

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("Data Docs tried to use the network")

        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        index = build_data_docs(warehouse)
    assert index == warehouse.docs / "index.html"
    return warehouse.docs


def _pages(docs: Path, suite: str) -> list[Path]:
    return sorted((docs / "validations" / suite).rglob("*.html"))


def test_index_and_validation_pages(docs: Path) -> None:
    assert (docs / "index.html").is_file()
    assert (docs / "expectations" / "council__events.html").is_file()
    assert (docs / "expectations" / "deliveries.html").is_file()
    events, deliveries = _pages(docs, "council__events"), _pages(docs, "deliveries")
    assert len(events) == 2 and len(deliveries) == 2  # one validation per suite per batch
    # a batch of two files is one validation; its page is named after the first delivery
    assert sum(page.name.endswith("_and_1_more.html") for page in [*events, *deliveries]) == 2
    # GX's index page lists validations and suites as data for a JavaScript table (bootstrap-table, from a CDN)
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert 'href="expectations/council__events.html"' in index and 'href="expectations/deliveries.html"' in index
    for page in [*events, *deliveries]:
        assert f"'_table_row_link_path': '{page.relative_to(docs).as_posix()}'" in index


def test_failed_expectations_show(docs: Path) -> None:
    failed = [page for page in _pages(docs, "council__events") if "Status: Failed" in _text(page)]
    assert len(failed) == 1
    text = _text(failed[0])
    assert "Unsuccessful Expectations 2" in text
    assert "nhs_number__status" in text and "mod11" in text  # the flagged field: column and status
    assert "event_end_date" in text and "event_start_date" in text  # the rejected row's rule
    assert "1 unexpected values found" in text
    assert "council_events_20240105.csv" in text and "council_events_20240106.csv" in text
    passed = [page for page in _pages(docs, "council__events") if page not in failed]
    assert "Status: Succeeded" in _text(passed[0])


def test_no_personal_data_in_docs(warehouse: Settings, docs: Path) -> None:
    conn = duckdb.connect(str(warehouse.warehouse), read_only=True)
    try:  # the values are in the warehouse (the rejected row as delivered, the flagged field's raw value)
        record, flagged = conn.execute(
            "SELECT (SELECT any_value(record) FROM ingest.rejected_rows), "
            "(SELECT any_value(raw_value) FROM ingest.field_flags)"
        ).fetchone()
    finally:
        conn.close()
    assert LAST_NAME in record and DATE_OF_BIRTH in record and flagged == BAD_NHS_NUMBER
    files = [path for path in docs.rglob("*") if path.is_file()]
    assert len(files) > 10
    for path in files:
        content = path.read_bytes()
        for value in PERSONAL:
            assert value.encode() not in content, f"{value} in {path}"


def test_selection_is_bounded(warehouse: Settings) -> None:
    """The latest ``limit``, the latest ``limit`` failed, and the latest of each suite."""
    everything = stored_validations(warehouse.warehouse, limit=200)
    assert len(everything) == 4
    some = stored_validations(warehouse.warehouse, limit=1)
    latest = max(v.run_at for v in everything)
    assert {(v.suite, v.run_at == latest, v.success) for v in some} == {
        ("council__events", True, True),
        ("deliveries", True, True),
        ("council__events", False, False),  # an older failure stays visible
    }
    assert stored_validations(warehouse.docs / "none.duckdb") == []


def test_rebuild_replaces_the_site(warehouse: Settings, docs: Path) -> None:
    stale = docs / "validations" / "council__events" / "stale" / "page.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("stale")
    build_data_docs(warehouse, limit=1)
    assert not stale.exists()
    assert len(_pages(docs, "council__events")) == 2 and len(_pages(docs, "deliveries")) == 1
    assert sorted(path.name for path in docs.iterdir()) == [
        ".build.lock",
        "expectations",
        "index.html",
        "static",
        "validations",
    ]
    build_data_docs(warehouse)
    assert len(_pages(docs, "council__events")) == 2 and len(_pages(docs, "deliveries")) == 2
