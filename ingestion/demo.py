"""``make demo``: a year of synthetic deliveries through the DAGs, then the re-deliveries, then a summary."""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from ingestion.contracts import ENTITIES
from ingestion.settings import Settings


def _summary(settings: Settings) -> Table:
    table = Table(title="raw layer")
    for column in ("table", "rows in force", "rejected rows", "flagged fields"):
        table.add_column(column, justify="left" if column == "table" else "right")
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        for entity in ENTITIES:
            rows = conn.execute(f"SELECT count(*) FROM raw.{entity.table}_current").fetchone()[0]
            rejected, flagged = conn.execute(
                "SELECT (SELECT count(*) FROM ingest.rejected_rows WHERE entity = $e), "
                "(SELECT count(*) FROM ingest.field_flags WHERE entity = $e)",
                {"e": entity.table},
            ).fetchone()
            table.add_row(f"raw.{entity.table}", f"{rows:,}", f"{rejected:,}", f"{flagged:,}")
    return table


def run_demo(home: Path, *, scale: float = 1.0, seed: int = 0) -> None:
    from ingestion.console import build_with_progress, print_reports
    from ingestion.dagrun import run_feeds
    from ingestion.simulate import simulate

    console = Console()
    if home.exists():
        shutil.rmtree(home)
    settings = Settings.under(home, landing=home / "deliveries")
    started = time.perf_counter()
    console.rule(f"1. Simulating one year of the four source systems at scale {scale}")
    simulate(settings.landing, scale=scale, seed=seed)
    simulated = time.perf_counter()
    console.rule("2. Landing the deliveries through the ingestion DAGs")
    print_reports(run_feeds(settings))
    console.rule("3. Landing the re-deliveries (duplicates and corrected re-sends)")
    print_reports(run_feeds(replace(settings, landing=settings.landing / "redeliveries")))
    landed = time.perf_counter()
    console.rule("4. Data Docs")
    from ingestion.data_docs import build_data_docs

    docs = build_data_docs(settings)
    console.print(_summary(settings))
    console.rule("5. Building the conformed warehouse with dbt (person records, linkage, marts, tests)")
    build = build_with_progress(console, settings)
    console.print("\n".join(build.lines()))
    built = time.perf_counter()
    console.rule("6. Person linkage scored against the simulator's ground truth")
    from ingestion.linkage_score import score_warehouse

    console.print(str(score_warehouse(settings.warehouse, settings.landing / "truth" / "identities.csv")))
    console.rule("7. Calibration: the published figures the warehouse can compute")
    from ingestion.calibration.report import print_calibration

    print_calibration(settings.warehouse, scale, console)
    console.rule("8. The council's dashboard; the Safeguarding Adults Board's share of January to March 2024")
    dashboard, share = _outputs(settings, home)
    console.print(
        f"simulated in {simulated - started:.0f} s, landed in {landed - simulated:.0f} s, "
        f"built in {built - landed:.0f} s\n"
        f"warehouse:          {settings.warehouse}\n"
        f"dashboard:          {dashboard}\n"
        f"board's share:      {share}\n"
        f"Data Docs:          {docs}\n"
        f"quarantine reports: {settings.quarantine}\n"
        f"archive:            {settings.archive}\n"
        f"ground truth:       {settings.landing / 'truth'}\n"
        f"semantic layer:     cd dbt_project && ASCWH_WAREHOUSE={settings.warehouse} DBT_PROFILES_DIR=. "
        "../.venv/bin/mf query --metrics contacts --group-by metric_time__month"
    )


def _outputs(settings: Settings, home: Path) -> tuple[Path, Path]:
    """Write the dashboard and share the year's last quarter into the home's outbox; return where they went.

    The share's pseudonymisation key is random for each demo (a real key comes from the Airflow connection
    ``ascwh_share``), so demo extracts cannot be joined to anything."""
    import secrets

    from ingestion.report.dashboard import build_dashboard
    from ingestion.settings import outbox_path
    from ingestion.share.board import share_quarter
    from ingestion.share.periods import Quarter

    dashboard = build_dashboard(settings.warehouse, settings.docs / "dashboard.html")
    outbox = outbox_path(home)
    delivery, _ = share_quarter(settings, Quarter.parse("2024Q1"), outbox=outbox, key=secrets.token_bytes(32))
    return dashboard, Path(delivery.destination)
