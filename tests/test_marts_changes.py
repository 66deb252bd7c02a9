"""A re-delivered file, a corrected file and a deleted event change the marts exactly as they should.

A small simulated year is landed and built; then one night brings three things at once: a file delivered again
(same name, same bytes), a corrected re-send of a contacts file (one contact's channel changed) and a deletion of
an event. After ingesting it and an incremental build, the marts differ from before in exactly those records, and
the incremental result equals a full rebuild.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingestion.bench_build import land_days, last_extract
from ingestion.dbt_build import build_warehouse
from ingestion.pipeline import ingest_feed
from ingestion.settings import FEEDS, Settings
from ingestion.simulate import simulate

pytestmark = pytest.mark.slow


@dataclass
class Night:
    settings: Settings
    before: dict[str, pd.DataFrame]
    after: dict[str, pd.DataFrame]
    rebuilt: dict[str, pd.DataFrame]
    duplicate: str
    corrected_file: str
    corrected_contact: str
    new_channel: str
    deleted_event: str


def _marts(warehouse: Path) -> dict[str, pd.DataFrame]:
    """Every mart table by name, rows sorted, so two builds can be compared."""
    return {name.removeprefix("marts."): frame for name, frame in _tables(warehouse, ("marts",)).items()}


def _tables(warehouse: Path, schemas: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Every base table of ``schemas`` (schema.table), rows sorted."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        names = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            f"where table_schema in ({', '.join('?' * len(schemas))}) and table_type = 'BASE TABLE' order by 1",
            list(schemas),
        ).fetchall()
        tables = {}
        for (name,) in names:
            frame = conn.execute(f"select * from {name}").df()
            tables[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return tables


def _delivered(settings: Settings, prefix: str) -> list[tuple[str, Path]]:
    """Loaded deliveries whose file name starts with ``prefix``, in extract-date order: (file name, archived bytes)."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        rows = conn.execute(
            "select file_name, archive_path from ingest.deliveries where starts_with(file_name, ?) "
            "and status = 'loaded' order by extract_date, file_name",
            [prefix],
        ).fetchall()
    return [(name, Path(path)) for name, path in rows]


def _correct_a_contact(name: str, original: Path, landing: Path) -> tuple[str, str] | None:
    """Re-send ``original`` as ``name`` with one contact's channel changed; return the contact and its new channel
    (None, and nothing re-sent, when the file has no telephone or email contact)."""
    text = original.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next((r for r in rows if r.get("Contact_ID") and r.get("Channel") in ("Telephone", "Email")), None)
    if row is None:
        return None
    row["Channel"] = "Email" if row["Channel"] == "Telephone" else "Telephone"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (landing / "council" / name).write_text(out.getvalue(), encoding="utf-8")
    return row["Contact_ID"], row["Channel"]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Night:
    home = tmp_path_factory.mktemp("night")
    settings = Settings.under(home, landing=home / "landing")
    simulate(settings.landing, scale=0.02, seed=7, start=date(2023, 4, 1), end=date(2024, 3, 31))
    shutil.rmtree(settings.landing / "redeliveries")
    for feed in FEEDS:
        ingest_feed(feed, settings)
    build_warehouse(settings, target_dir=home / "target")
    before = _marts(settings.warehouse)

    contacts = _delivered(settings, "council_contacts_")
    duplicate, archived = contacts[-2]
    shutil.copy(archived, settings.landing / "council" / duplicate)
    # the newest other contacts file with a telephone or email contact (a quiet Sunday's may have none)
    corrections = (
        (name, _correct_a_contact(name, path, settings.landing)) for name, path in [contacts[-1], *contacts[-3::-1]]
    )
    corrected_file, (corrected_contact, new_channel) = next((name, found) for name, found in corrections if found)
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        deleted_event, last = conn.execute(
            "select assessment_id, (select max(_extract_date) from raw.council__events) "
            "from marts.fct_assessments order by assessment_id limit 1"
        ).fetchone()
    deletion = settings.landing / "council" / f"council_deleted_events_{last + timedelta(days=1):%Y%m%d}.csv"
    deletion.write_text(f"Event_Reference,Deleted_At\n{deleted_event},{last:%Y-%m-%d} 23:00:00\n", encoding="utf-8")
    ingest_feed("council", settings)
    build_warehouse(settings, target_dir=home / "target")
    after = _marts(settings.warehouse)

    build_warehouse(settings, full_refresh=True, target_dir=home / "target")
    rebuilt = _marts(settings.warehouse)
    return Night(
        settings, before, after, rebuilt, duplicate, corrected_file, corrected_contact, new_channel, deleted_event
    )


def _changed(night: Night, table: str, ignore: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of ``table`` that are new or different after the night (an outer merge on every column but ``ignore``)."""
    before, after = (frame.drop(columns=list(ignore)) for frame in (night.before[table], night.after[table]))
    merged = before.merge(after, how="outer", indicator=True)
    return merged[merged["_merge"] != "both"]


def test_a_redelivered_file_is_ignored_and_changes_nothing(night: Night) -> None:
    with duckdb.connect(str(night.settings.warehouse), read_only=True) as conn:
        statuses = conn.execute(
            "select status, duplicate_of is not null from ingest.deliveries where file_name = $f order by started_at",
            {"f": night.duplicate},
        ).fetchall()
    assert statuses == [("loaded", False), ("ignored", True)]
    assert len(night.after["fct_contacts"]) == len(night.before["fct_contacts"])
    council_free = [t for t in night.before if t.startswith(("fct_health", "fct_waiting", "fct_carer", "fct_safeg"))]
    assert council_free
    for table in council_free:
        assert _changed(night, table).empty, table


def test_a_corrected_file_changes_only_its_corrected_record(night: Night) -> None:
    # the re-send is a new delivery: each of its rows now comes from it (delivery_id, loaded_at), the rest is the same
    reloaded = _changed(night, "fct_contacts")
    assert set(reloaded["file_name"]) == {night.corrected_file}
    changed = _changed(night, "fct_contacts", ignore=("delivery_id", "loaded_at"))
    assert set(changed["contact_id"]) == {night.corrected_contact}
    new = changed[changed["_merge"] == "right_only"]
    assert list(new["channel"]) == [night.new_channel]


EVENT_COLUMNS = ("assessment_id", "event_reference", "first_assessment_id", "first_event_reference")


def test_a_deleted_event_leaves_every_mart(night: Night) -> None:
    assert night.deleted_event in set(night.before["fct_assessments"]["assessment_id"])
    for table, frame in night.after.items():
        for column in set(EVENT_COLUMNS) & set(frame.columns):
            assert night.deleted_event not in set(frame[column]), f"{table}.{column}"
    removed = _changed(night, "fct_assessments")
    assert set(removed.loc[removed["_merge"] == "left_only", "assessment_id"]) >= {night.deleted_event}


def test_the_incremental_build_equals_a_full_rebuild(night: Night) -> None:
    assert night.after.keys() == night.rebuilt.keys()
    for table in night.after:
        pd.testing.assert_frame_equal(night.after[table], night.rebuilt[table], check_dtype=False, obj=table)


# ---- two more weeks of ordinary deliveries -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def next_days(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """A small year built, two more weeks of deliveries landed and built incrementally; and the same warehouse with
    its models built from scratch (intermediate and marts dropped, the same stored linkage model): both sets of
    tables. (Two weeks at scale 0.02 bring new people, and new records and changed details of people already
    known, in every system.)"""
    home = tmp_path_factory.mktemp("next-day")
    settings = Settings.under(home, landing=home / "landing")
    simulate(settings.landing, scale=0.02, seed=11, start=date(2023, 4, 1), end=date(2024, 3, 31), progress=False)
    shutil.rmtree(settings.landing / "redeliveries")
    for feed in FEEDS:
        ingest_feed(feed, settings)
    build_warehouse(settings, target_dir=home / "target")
    people_before = _marts(settings.warehouse)["dim_person"]
    first = last_extract(settings) + timedelta(days=1)
    assert land_days(settings, 0.02, 11, first, first + timedelta(days=13)) > 0
    for feed in FEEDS:
        ingest_feed(feed, settings)
    build_warehouse(settings, target_dir=home / "target")
    schemas = ("intermediate", "marts")
    incremental = _tables(settings.warehouse, schemas)

    scratch = Settings.under(home / "scratch", landing=home / "scratch" / "landing")
    scratch.warehouse.parent.mkdir(parents=True)
    shutil.copy(settings.warehouse, scratch.warehouse)
    with duckdb.connect(str(scratch.warehouse)) as conn:
        for schema in schemas:
            conn.execute(f"drop schema {schema} cascade")
    build_warehouse(scratch, target_dir=home / "scratch" / "target")
    return people_before, incremental, _tables(scratch.warehouse, schemas)


def test_after_two_more_weeks_the_incremental_build_equals_one_from_scratch(
    next_days: tuple[pd.DataFrame, dict[str, pd.DataFrame], dict[str, pd.DataFrame]],
) -> None:
    people_before, incremental, scratch = next_days
    fingerprints = ["person_key", "observation_count", "observations_loaded_seconds"]
    known = people_before[fingerprints].drop_duplicates()
    now = incremental["marts.dim_person"][fingerprints].drop_duplicates()
    merged = known.merge(now, on="person_key", suffixes=("_before", ""))
    changed = merged[merged["observations_loaded_seconds_before"].fillna(-1) != merged["observations_loaded_seconds"]]
    assert len(changed) > 0, "the two weeks must change people already known (else the test proves nothing)"
    assert len(now) > len(known), "and bring new people"
    assert incremental.keys() == scratch.keys()
    assert {"intermediate.int_person_observations", "marts.dim_person", "marts.fct_contacts"} <= incremental.keys()
    for table in incremental:
        pd.testing.assert_frame_equal(incremental[table], scratch[table], check_dtype=False, obj=table)
