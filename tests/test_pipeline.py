"""The landing pipeline's guarantees, on small hand-made deliveries: manifest, corrections, rollback, reports."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingestion import pipeline
from ingestion.contracts import COUNCIL_CONTACTS, COUNCIL_DOLS, COUNCIL_EVENTS, Entity
from ingestion.gates import EXPECTATIONS_DIR, generated_suites
from ingestion.pipeline import ingest_feed, release
from ingestion.settings import Settings
from ingestion.warehouse import open_warehouse

PERSON = {
    "LA_Code": "E10000013",
    "LA_Person_Unique_Identifier": "P0000001",
    "NHS_Number": "9434765919",
    "First_Name": "Siân",
    "Last_Name": "Pritchard",
    "Date_of_Birth": "1941-07-14",
    "Gender": "Female",
    "Ethnicity": "White: Irish",
    "Postcode": "GL1 2AB",
    "Client_Type": "Service user",
    "Primary_Support_Reason": "Physical support: Personal care support",
    "Event_Type": "Request",
    "Event_Start_Date": "2024-01-02",
    "Team": "Gloucester Locality Team",
    "Locality": "Gloucester",
}


def csv_bytes(entity: Entity, rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, [c.name for c in entity.columns], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c.name: row.get(c.name, "") for c in entity.columns})
    return out.getvalue().encode(encoding)


def events(*refs: str, **changes: str) -> list[dict[str, str]]:
    return [{**PERSON, "Event_Reference": ref, **changes} for ref in refs]


def deliver(settings: Settings, name: str, data: bytes, feed: str = "council", arrived: datetime | None = None) -> Path:
    """Land a file; ``arrived`` (naive local time) is its modification time, when the sender completed it."""
    path = settings.landing / feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if arrived is not None:
        os.utime(path, (arrived.timestamp(), arrived.timestamp()))
    return path


def query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def test_committed_suites_match_the_contracts() -> None:
    for name, suite in generated_suites().items():
        committed = json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text())
        assert committed == suite, f"expectations/{name}.json is stale: run `ascwh expectations`"


def test_duplicate_is_ignored_and_correction_supersedes(settings: Settings) -> None:
    name = "council_events_20240105.csv"
    original = csv_bytes(COUNCIL_EVENTS, events("E1", "E2"))
    deliver(settings, name, original)
    report = ingest_feed("council", settings)
    assert (report.files_loaded, report.rows_loaded) == (1, 2)
    assert not (settings.landing / "council" / name).exists()

    deliver(settings, name, original)
    report = ingest_feed("council", settings)
    assert (report.files_ignored, report.rows_loaded) == (1, 0)
    assert query(settings, "SELECT count(*) FROM raw.council__events") == [(2,)]

    deliver(settings, name, csv_bytes(COUNCIL_EVENTS, events("E1", "E3")))
    report = ingest_feed("council", settings)
    assert (report.files_loaded, report.files_superseded) == (1, 1)
    assert query(settings, "SELECT event_reference FROM raw.council__events_current ORDER BY 1") == [("E1",), ("E3",)]
    assert query(settings, "SELECT count(*) FROM raw.council__events") == [(4,)]  # both versions kept
    statuses = query(settings, "SELECT status FROM ingest.deliveries WHERE file_name = ? ORDER BY started_at", [name])
    assert statuses == [("superseded",), ("ignored",), ("loaded",)]


def test_reloading_the_same_deliveries_gives_identical_tables(tmp_path: Path) -> None:
    files = {
        "council_events_20240105.csv": csv_bytes(COUNCIL_EVENTS, events("E1", "E2", NHS_Number="943 476 5919")),
        "council_events_20240106.csv": csv_bytes(COUNCIL_EVENTS, events("E2", "E3", Event_End_Date="2023-01-01")),
    }
    arrived = {name: datetime(2024, 1, int(name[-6:-4]) + 1, 2, 15, 30) for name in files}
    tables = []
    for run in ("a", "b"):
        root = tmp_path / run
        settings = Settings(root / "landing", root / "archive", root / "wh.duckdb", root / "q", root / "docs")
        for name, data in files.items():
            deliver(settings, name, data, arrived=arrived[name])
        ingest_feed("council", settings)
        tables.append(
            query(settings, "SELECT * EXCLUDE (_loaded_at) FROM raw.council__events ORDER BY ALL")
            + query(settings, "SELECT * FROM ingest.rejected_rows ORDER BY ALL")
            + query(settings, "SELECT * FROM ingest.field_flags ORDER BY ALL")
            + query(
                settings, "SELECT * EXCLUDE (archive_path, started_at, finished_at) FROM ingest.deliveries ORDER BY ALL"
            )
        )
        received = query(settings, "SELECT file_name, received_at FROM ingest.deliveries")
        assert dict(received) == arrived  # the file's modification time, not the ingestion clock
    assert tables[0] == tables[1]
    assert len(tables[0]) == 2 + 2 + 2 + 2  # E1, E2 loaded with a spaced NHS number each; rows ending early rejected


def test_a_warehouse_from_before_arrival_times_gains_the_column(settings: Settings) -> None:
    deliver(settings, "council_events_20240105.csv", csv_bytes(COUNCIL_EVENTS, events("E1")))
    ingest_feed("council", settings)
    with open_warehouse(settings.warehouse) as conn:  # as a warehouse created before received_at was
        conn.execute("ALTER TABLE ingest.deliveries DROP COLUMN received_at")
    arrived = datetime(2024, 1, 7, 3, 0)
    deliver(settings, "council_events_20240106.csv", csv_bytes(COUNCIL_EVENTS, events("E2")), arrived=arrived)
    assert ingest_feed("council", settings).files_loaded == 1
    received = query(settings, "SELECT file_name, received_at FROM ingest.deliveries ORDER BY file_name")
    assert received == [("council_events_20240105.csv", None), ("council_events_20240106.csv", arrived)]


def test_a_failed_load_leaves_the_warehouse_as_it_was(settings: Settings, monkeypatch) -> None:
    deliver(settings, "council_events_20240105.csv", csv_bytes(COUNCIL_EVENTS, events("E1")))
    ingest_feed("council", settings)
    before = query(settings, "SELECT * FROM raw.council__events ORDER BY ALL")
    manifest = query(settings, "SELECT delivery_id, status FROM ingest.deliveries ORDER BY ALL")

    second = deliver(settings, "council_events_20240106.csv", csv_bytes(COUNCIL_EVENTS, events("E2", "E3")))

    def fail(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline.FeedLoader, "_record", fail)  # after the raw rows are inserted
    with pytest.raises(OSError, match="disk full"):
        ingest_feed("council", settings)
    assert query(settings, "SELECT * FROM raw.council__events ORDER BY ALL") == before
    assert query(settings, "SELECT delivery_id, status FROM ingest.deliveries ORDER BY ALL") == manifest
    assert second.exists(), "a failed load must leave its files in the landing folder"

    monkeypatch.undo()
    assert ingest_feed("council", settings).rows_loaded == 2


def test_quarantine_report_is_readable_and_holds_no_personal_data(settings: Settings) -> None:
    rows = events("E1", "E2")
    data = csv_bytes(COUNCIL_EVENTS, rows)
    cut = data[: data.rindex(b"Pritchard") + 4]  # cut off inside the last row's surname
    deliver(settings, "council_events_20240105.csv", cut)
    report = ingest_feed("council", settings)
    assert report.files_quarantined == 1 and report.rows_loaded == 0
    text = Path(report.quarantine_reports[0]).read_text()
    assert "cannot be read" in text and "data record 2" in text
    for value in ("Siân", "Pritch", "9434765919", "1941-07-14", "GL1 2AB"):
        assert value not in text
    assert query(settings, "SELECT count(*) FROM raw.council__events") == [(0,)]


def test_missing_column_quarantines_and_alias_loads(settings: Settings) -> None:
    good = csv_bytes(COUNCIL_EVENTS, events("E1")).decode()
    deliver(settings, "council_events_20240105.csv", good.replace("Date_of_Birth", "DOB", 1).encode())
    deliver(settings, "council_events_20240106.csv", good.replace("Date_of_Birth", "Birthday", 1).encode())
    deliver(settings, "council_events_20240107.csv", good.replace("Event_Type", "event type ", 1).encode())
    report = ingest_feed("council", settings)
    assert (report.files_loaded, report.files_quarantined) == (2, 1)
    reason = query(settings, "SELECT reason FROM ingest.deliveries WHERE status = 'quarantined'")[0][0]
    assert "Date_of_Birth" in reason and "Birthday" in reason
    assert query(settings, "SELECT DISTINCT date_of_birth::VARCHAR FROM raw.council__events") == [("1941-07-14",)]


def test_volume_anomaly_quarantines_until_released(settings: Settings) -> None:
    day = 1
    for day in range(1, 11):
        contacts = [{"Contact_ID": f"C{day}-{i}", "Received_At": f"2024-01-{day:02d} 09:00:00"} for i in range(40)]
        deliver(settings, f"council_contacts_202401{day + 1:02d}.csv", csv_bytes(COUNCIL_CONTACTS, contacts))
    tiny = [{"Contact_ID": "C99", "Received_At": "2024-01-12 09:00:00"}]
    arrived = datetime(2024, 1, 14, 1, 30)
    deliver(settings, "council_contacts_20240113.csv", csv_bytes(COUNCIL_CONTACTS, tiny), arrived=arrived)
    report = ingest_feed("council", settings)
    assert (report.files_loaded, report.files_quarantined) == (10, 1)
    delivery_id = query(settings, "SELECT delivery_id FROM ingest.quarantine WHERE rules = 'volume'")[0][0]
    release(delivery_id, settings)
    report = ingest_feed("council", settings)
    assert (report.files_loaded, report.rows_loaded) == (1, 1)
    released = query(settings, "SELECT received_at FROM ingest.deliveries WHERE released AND status = 'loaded'")
    assert released == [(arrived,)]  # a released delivery keeps its arrival time


def test_incomplete_and_unknown_files(settings: Settings) -> None:
    deliver(settings, "council_events_20240105.csv.part", b"LA_Code\n")
    deliver(settings, ".council_events_20240105.csv", b"LA_Code\n")
    deliver(settings, "council_notes_20240105.txt", b"hello")
    report = ingest_feed("council", settings)
    assert (report.files_seen, report.files_quarantined) == (1, 1)
    assert (settings.landing / "council" / "council_events_20240105.csv.part").exists()
    assert "matches none" in query(settings, "SELECT reason FROM ingest.deliveries")[0][0]


def test_windows_1252_and_byte_order_mark_decode(settings: Settings) -> None:
    deliver(settings, "council_events_20240105.csv", csv_bytes(COUNCIL_EVENTS, events("E1"), "cp1252"))
    deliver(settings, "council_events_20240106.csv", b"\xef\xbb\xbf" + csv_bytes(COUNCIL_EVENTS, events("E2")))
    ingest_feed("council", settings)
    assert query(settings, "SELECT DISTINCT first_name FROM raw.council__events") == [("Siân",)]
    assert query(settings, "SELECT encoding FROM ingest.deliveries ORDER BY file_name") == [("cp1252",), ("utf-8-sig",)]


def test_correcting_an_old_snapshot_keeps_every_row_in_force(settings: Settings) -> None:
    """Snapshots keep each row version once: when a corrected re-send supersedes the delivery that first
    carried a row, the correction's copy of it must stay in force."""

    def dols(*ids: str) -> bytes:
        rows = [{"Application_ID": i, "LA_Person_Unique_Identifier": "P1", "Received_Date": "2024-01-01"} for i in ids]
        return csv_bytes(COUNCIL_DOLS, rows)

    deliver(settings, "council_dols_20240105.csv", dols("D1", "D2"))
    deliver(settings, "council_dols_20240106.csv", dols("D1", "D2"))
    ingest_feed("council", settings)
    deliver(settings, "council_dols_20240105.csv", dols("D1", "D2", "D3"))
    assert ingest_feed("council", settings).files_superseded == 1
    in_force = query(settings, "SELECT application_id FROM raw.council__dols_current ORDER BY 1")
    assert in_force == [("D1",), ("D2",), ("D3",)]
