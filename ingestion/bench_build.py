"""``ascwh bench-build``: a full warehouse build against the nightly incremental build after one more day.

Works on a demo home (``make demo`` leaves one in ``demo/``): rebuilds the warehouse from scratch and times it,
simulates the same county one day further (the simulator is prefix-stable: the same seed gives the same files
for the days already delivered), lands only the new day's files, and times the incremental build that follows;
then times one more build with no new deliveries at all: the part of a nightly build that does not depend on
the delivery (dbt's cost per node and per invocation, the tables still rebuilt whole, the linkage scoring).
dbt is imported before the first timing, so neither build pays for it.
"""

from __future__ import annotations

import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from ingestion.console import build_with_progress
from ingestion.dbt_build import BuildSummary
from ingestion.pipeline import ingest_feed
from ingestion.settings import FEEDS, Settings
from ingestion.simulate import simulate

START = date(2023, 4, 1)


def last_extract(settings: Settings) -> date:
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        return conn.execute("select max(extract_date) from ingest.deliveries").fetchone()[0]


def land_days(settings: Settings, scale: float, seed: int, first: date, last: date) -> int:
    """Simulate through ``last`` in a scratch folder and copy only the files of the days ``first``..``last`` into the
    landing folder (a monthly return when one of them is the first of a month); return how many were copied."""
    scratch = settings.landing.parent / "next-days"
    shutil.rmtree(scratch, ignore_errors=True)
    simulate(scratch, scale=scale, start=START, end=last, seed=seed, progress=False)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    stamps = {f"{day:%Y%m%d}" for day in days} | {f"{day:%Y-%m}" for day in days if day.day == 1}
    copied = 0
    for feed in FEEDS:
        for path in sorted((scratch / feed).glob("*")):
            if any(stamp in path.name for stamp in stamps) and not (settings.landing / feed / path.name).exists():
                (settings.landing / feed).mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, settings.landing / feed / path.name)  # with its arrival time (mtime)
                copied += 1
    shutil.rmtree(scratch)
    return copied


def _row(table: Table, name: str, summary: BuildSummary) -> None:
    phases = ", ".join(f"{phase.name} {phase.seconds:.1f} s" for phase in summary.phases)
    table.add_row(name, f"{summary.seconds:.1f}", phases)


def run_build_bench(home: Path, *, scale: float = 1.0, seed: int = 0) -> tuple[float, float]:
    """Time a full build, the incremental build after one more day and one with no new deliveries; return the
    first two (seconds)."""
    import dbt.cli.main  # noqa: F401 (imported here so that the first build timed does not pay for it)

    console = Console()
    settings = Settings.under(home, landing=home / "deliveries")
    if not settings.warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {settings.warehouse}: run `make demo` first")
    console.rule("full build (--full-refresh)")
    full = build_with_progress(console, settings, full_refresh=True)
    day = last_extract(settings) + timedelta(days=1)
    console.rule(f"one more day of deliveries: {day}")
    copied = land_days(settings, scale, seed, day, day)
    started = time.perf_counter()
    for feed in FEEDS:
        ingest_feed(feed, settings)
    ingest_seconds = time.perf_counter() - started
    console.rule("incremental build")
    nightly = build_with_progress(console, settings)
    console.rule("a build with no new deliveries")
    unchanged = build_with_progress(console, settings)
    table = Table(title=f"warehouse build at scale {scale:g}")
    for column in ("build", "seconds", "phases"):
        table.add_column(column, justify="right" if column == "seconds" else "left")
    _row(table, "full", full)
    table.add_row(f"ingest of {copied} files for {day}", f"{ingest_seconds:.1f}", "")
    _row(table, "incremental (one more day)", nightly)
    _row(table, "incremental (no new deliveries)", unchanged)
    console.print(table)
    console.print(f"incremental / full = {nightly.seconds / full.seconds:.0%} (target under 20%)")
    console.print(f"with no new deliveries / full = {unchanged.seconds / full.seconds:.0%}")
    return full.seconds, nightly.seconds
