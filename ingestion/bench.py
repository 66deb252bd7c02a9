"""``ascwh bench``: how fast the landing is, against the floor of DuckDB alone reading the same files.

Each stage runs in its own process so its peak memory (max RSS) is its own: simulate, ingest (the pipeline
over every feed: manifest, archive, readers, gates, load), and the floor (DuckDB reading every CSV and JSON
Lines delivery into tables, with no checks). The Carers Hub's workbooks are left out of the floor, since
DuckDB reads Excel only through an extension that cannot be installed offline; their ingest time is shown
apart.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ingestion.settings import FEEDS, Settings

START = date(2023, 4, 1)


def _stage(name: str, *args: str) -> dict:
    """Run one stage in a child process; return its figures and its own peak memory."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "ingestion.bench", name, *args], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"bench stage {name} failed")
    figures = json.loads(output.strip().splitlines()[-1])
    figures["wall_s"] = figures.get("wall_s", time.perf_counter() - started)
    figures["peak_rss_mb"] = usage.ru_maxrss / 1024
    return figures


def _simulate(home: str, scale: str, days: str) -> dict:
    from ingestion.simulate import simulate

    started = time.perf_counter()
    summary = simulate(
        Path(home) / "deliveries",
        scale=float(scale),
        start=START,
        end=START + timedelta(days=int(days) - 1),
        seed=0,
        progress=False,
    )
    return {"wall_s": time.perf_counter() - started, "summary": summary}


def _ingest(home: str) -> dict:
    from ingestion.pipeline import ingest_feed

    settings = Settings.under(Path(home), landing=Path(home) / "deliveries")
    per_feed = {}
    rows = 0
    started = time.perf_counter()
    for feed in FEEDS:
        feed_started = time.perf_counter()
        report = ingest_feed(feed, settings)
        per_feed[feed] = time.perf_counter() - feed_started
        rows += report.rows_loaded + report.rows_rejected
    import duckdb

    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        read = conn.execute("SELECT sum(rows_read) FROM ingest.deliveries").fetchone()[0] or 0
    return {"wall_s": time.perf_counter() - started, "per_feed_s": per_feed, "rows_read": int(read), "rows_new": rows}


def _floor(home: str) -> dict:
    import duckdb

    archive = Path(home) / "archive"
    conn = duckdb.connect()
    started = time.perf_counter()
    rows = 0
    for index, prefix in enumerate(
        [
            "council_events",
            "council_deleted_events",
            "council_contacts",
            "council_dols",
            "health_referrals",
            "health_waiting_list",
            "safeguarding_concerns",
            "safeguarding_enquiries",
        ]
    ):
        ext = "jsonl" if prefix.startswith("health") else "csv"
        files = [str(p) for p in archive.rglob(f"{prefix}_*.{ext}") if p.stat().st_size]
        if not files:
            continue
        listed = "[" + ", ".join(f"'{name}'" for name in files) + "]"
        if ext == "csv":
            source = f"read_csv({listed}, all_varchar = true, union_by_name = true, ignore_errors = true)"
        else:
            source = f"read_json({listed}, format = 'newline_delimited', union_by_name = true, ignore_errors = true)"
        conn.execute(f"CREATE TABLE t{index} AS SELECT * FROM {source}")
        rows += conn.execute(f"SELECT count(*) FROM t{index}").fetchone()[0]
    return {"wall_s": time.perf_counter() - started, "rows_read": rows}


def run_bench(home: Path, *, scale: float, days: int) -> None:
    console = Console()
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    console.print(f"[bold]ascwh bench[/]: scale {scale}, {days} days of deliveries, in {home}")
    simulated = _stage("simulate", str(home), str(scale), str(days))
    size_mb = sum(p.stat().st_size for p in (home / "deliveries").rglob("*") if p.is_file()) / 2**20
    ingested = _stage("ingest", str(home))
    floor = _stage("floor", str(home))
    carers = ingested["per_feed_s"].get("carers_hub", 0.0)
    comparable = ingested["wall_s"] - carers
    table = Table(title=f"scale {scale}, {days} days, {size_mb:,.0f} MB delivered")
    for column in ("stage", "wall s", "rows", "rows/s", "peak MB"):
        table.add_column(column, justify="right" if column != "stage" else "left")
    table.add_row("simulate", f"{simulated['wall_s']:.1f}", "", "", f"{simulated['peak_rss_mb']:,.0f}")
    rows = ingested["rows_read"]
    table.add_row(
        "ingest (all feeds)",
        f"{ingested['wall_s']:.1f}",
        f"{rows:,}",
        f"{rows / ingested['wall_s']:,.0f}",
        f"{ingested['peak_rss_mb']:,.0f}",
    )
    for feed, seconds in ingested["per_feed_s"].items():
        table.add_row(f"  {feed}", f"{seconds:.1f}", "", "", "")
    table.add_row(
        "DuckDB floor (CSV, JSONL)",
        f"{floor['wall_s']:.1f}",
        f"{floor['rows_read']:,}",
        f"{floor['rows_read'] / max(floor['wall_s'], 1e-9):,.0f}",
        f"{floor['peak_rss_mb']:,.0f}",
    )
    console.print(table)
    ratio = comparable / max(floor["wall_s"], 1e-9)
    console.print(
        f"ingest of the CSV and JSON Lines feeds: {comparable:.1f} s = [bold]{ratio:.1f}x[/] the DuckDB floor "
        f"({floor['wall_s']:.1f} s); target 5x"
    )


def main(argv: list[str]) -> None:
    stage, *args = argv
    figures = {"simulate": _simulate, "ingest": _ingest, "floor": _floor}[stage](*args)
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
