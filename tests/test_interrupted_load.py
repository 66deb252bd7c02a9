"""A load killed mid-way and run again leaves the same raw layer as an uninterrupted load."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.contracts import ENTITIES
from ingestion.pipeline import ingest_feed
from ingestion.settings import FEEDS, Settings

KILL_AFTER_ARCHIVED = 12  # council files archived (of about 4 a day) before the kill


def _settings(root: Path, landing: Path) -> Settings:
    return Settings(
        landing=landing,
        archive=root / "archive",
        warehouse=root / "wh.duckdb",
        quarantine=root / "q",
        docs=root / "docs",
    )


def _snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every raw and ingest table's rows, without the load timestamps, in a stable order."""
    tables = [f"raw.{e.table}" for e in ENTITIES] + [
        "ingest.rejected_rows",
        "ingest.field_flags",
        "ingest.schema_drift",
        "ingest.delivery_entities",
    ]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        snapshot = {
            t: conn.execute(f"SELECT * EXCLUDE (_loaded_at) FROM {t} ORDER BY ALL").fetchall()
            for t in tables
            if t.startswith("raw.")
        }
        snapshot.update(
            {t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables if not t.startswith("raw.")}
        )
        snapshot["deliveries"] = conn.execute(
            "SELECT delivery_id, file_name, sha256, status, rows_read, rows_loaded, rows_rejected, fields_flagged "
            "FROM ingest.deliveries WHERE status <> 'ignored' ORDER BY ALL"
        ).fetchall()
    return snapshot


@pytest.mark.slow
def test_killed_load_then_rerun_matches_uninterrupted(tmp_path: Path) -> None:
    from ingestion.simulate import simulate

    deliveries = tmp_path / "deliveries"
    simulate(deliveries, scale=0.05, start=date(2023, 4, 1), end=date(2023, 4, 30), seed=3, progress=False)
    whole = _settings(tmp_path / "whole", tmp_path / "whole" / "landing")
    broken = _settings(tmp_path / "broken", tmp_path / "broken" / "landing")
    for settings in (whole, broken):
        for feed in FEEDS:
            shutil.copytree(deliveries / feed, settings.landing / feed)

    for feed in FEEDS:
        ingest_feed(feed, whole)

    # kill -9 a load of the council feed, made of many small transactions, part-way through
    env = {**os.environ, **broken.to_env(), "ASCWH_BATCH_BYTES": "100000"}
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from ingestion.pipeline import ingest_feed; from ingestion.settings import Settings;"
            " ingest_feed('council', Settings.from_env())",
        ],
        env=env,
    )
    archived = broken.archive / "council"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and child.poll() is None:
        if archived.exists() and sum(1 for p in archived.rglob("*.csv")) >= KILL_AFTER_ARCHIVED:
            break
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL, "the load finished before it could be killed"
    left = list((broken.landing / "council").iterdir())
    assert left, "the killed load should have left files in the landing folder"

    for feed in FEEDS:
        ingest_feed(feed, broken)

    assert not list((broken.landing / "council").iterdir())
    first, second = _snapshot(whole.warehouse), _snapshot(broken.warehouse)
    assert sum(len(rows) for name, rows in first.items() if name.startswith("raw.")) > 1000
    for table in first:
        assert first[table] == second[table], f"{table} differs after an interrupted load"
