"""The ``ascwh`` command line."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ingestion.settings import FEEDS, Settings

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
os.environ.setdefault("SCARF_ANALYTICS", "false")

app = typer.Typer(help="ascwh: an adult social care data warehouse.", no_args_is_help=True, add_completion=False)

Landing = Annotated[Path | None, typer.Option(help="Landing folder: one sub-folder per feed.")]
Warehouse = Annotated[Path | None, typer.Option(help="The DuckDB warehouse file.")]


def _parse_rates(pairs: list[str]) -> dict[str, float]:
    rates = {}
    for pair in pairs:
        code, _, rate = pair.partition("=")
        if not rate:
            raise typer.BadParameter(f"expected CODE=RATE, got {pair!r}")
        rates[code.strip()] = float(rate)
    return rates


def _home_beside(warehouse: Path | None) -> Path | None:
    """With a warehouse named and no ``ASCWH_HOME``, the archive, quarantine and docs go beside it."""
    return warehouse.parent if warehouse is not None and "ASCWH_HOME" not in os.environ else None


@app.command()
def simulate(
    out: Annotated[Path, typer.Option(help="Folder to write the deliveries and ground truth to.")],
    scale: Annotated[float, typer.Option(help="1 = Gloucestershire's volumes.")] = 1.0,
    start: Annotated[str, typer.Option(help="First extract date, YYYY-MM-DD.")] = "2023-04-01",
    end: Annotated[str, typer.Option(help="Last extract date, YYYY-MM-DD.")] = "2024-03-31",
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same bytes.")] = 0,
    fault_rate: Annotated[list[str], typer.Option(help="Override a fault rate: CODE=RATE (repeatable).")] = [],  # noqa: B006
) -> None:
    """Write the four source systems' deliveries for a synthetic county, faults and ground truth included."""
    from ingestion.simulate import simulate as run_simulation

    summary = run_simulation(
        out,
        scale=scale,
        start=date.fromisoformat(start),
        end=date.fromisoformat(end),
        seed=seed,
        fault_rates=_parse_rates(fault_rate),
    )
    files, faults = sum(summary["files"].values()), sum(summary["faults"].values())
    typer.echo(f"wrote {files} files with {faults} faults to {out} in {summary['seconds']:.0f} s")


@app.command()
def run(
    landing: Landing = None,
    warehouse: Warehouse = None,
    feed: Annotated[list[str], typer.Option(help="Only these feeds (repeatable).")] = [],  # noqa: B006
) -> None:
    """Run the ingestion DAGs in-process over the files in the landing folder and print what happened."""
    from ingestion.console import print_reports
    from ingestion.dagrun import FeedRunError, run_feeds

    settings = Settings.from_env(home=_home_beside(warehouse), landing=landing, warehouse=warehouse)
    try:
        reports = run_feeds(settings, feeds=tuple(feed) or FEEDS)
    except FeedRunError as error:
        print_reports(error.reports)
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    print_reports(reports)


@app.command()
def release(delivery_id: str, warehouse: Warehouse = None, landing: Landing = None) -> None:
    """Release a quarantined delivery (volume anomalies only): it is loaded on the feed's next run."""
    from ingestion.pipeline import release as release_delivery

    settings = Settings.from_env(home=_home_beside(warehouse), landing=landing, warehouse=warehouse)
    try:
        path = release_delivery(delivery_id, settings)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(f"released {delivery_id}: back in {path}")


@app.command()
def expectations() -> None:
    """Regenerate the Great Expectations suites in expectations/ from the feed contracts."""
    from ingestion.gates import write_suites

    for path in write_suites():
        typer.echo(path)


@app.command()
def docs(warehouse: Warehouse = None) -> None:
    """Render the Great Expectations Data Docs from the validation results stored in the warehouse."""
    from ingestion.data_docs import build_data_docs

    typer.echo(build_data_docs(Settings.from_env(home=_home_beside(warehouse), warehouse=warehouse)))


Target = Annotated[str, typer.Option(help="dbt target: duckdb (the embedded warehouse) or postgres.")]


@app.command()
def build(
    warehouse: Warehouse = None,
    target: Target = "duckdb",
    full_refresh: Annotated[bool, typer.Option(help="Retrain the linkage, rebuild every model.")] = False,
) -> None:
    """Build the conformed warehouse with dbt: staging and person records, linkage, then the marts (with tests)."""
    from rich.console import Console

    from ingestion.console import build_with_progress
    from ingestion.dbt_build import DbtBuildError

    settings = Settings.from_env(home=_home_beside(warehouse), warehouse=warehouse)
    try:
        summary = build_with_progress(Console(stderr=True), settings, target=target, full_refresh=full_refresh)
    except DbtBuildError as error:
        typer.echo("\n".join(error.summary.lines()), err=True)
        raise typer.Exit(1) from None
    typer.echo("\n".join(summary.lines()))


@app.command()
def link(
    warehouse: Warehouse = None,
    target: Target = "duckdb",
    score: Annotated[Path | None, typer.Option(help="Score against a simulation's truth/identities.csv.")] = None,
) -> None:
    """Re-run person linkage on the built person records; optionally score it against the simulator's truth."""
    from ingestion.linkage import run_linkage

    settings = Settings.from_env(home=_home_beside(warehouse), warehouse=warehouse)
    typer.echo(str(run_linkage(target=target, warehouse=settings.warehouse)))
    if score is not None:
        from ingestion.linkage_score import score_warehouse

        typer.echo(str(score_warehouse(settings.warehouse, score)))


@app.command()
def calibrate(
    warehouse: Warehouse = None,
    scale: Annotated[float, typer.Option(help="The simulation's scale (counts are compared at this scale).")] = 1.0,
) -> None:
    """Print every published figure the warehouse can compute: published, warehouse, difference."""
    from ingestion.calibration.report import print_calibration

    print_calibration(Settings.from_env(home=_home_beside(warehouse), warehouse=warehouse).warehouse, scale)


@app.command()
def report(
    home: Annotated[
        Path | None, typer.Option(help="ascwh home (instead of ASCWH_HOME): its warehouse is read.")
    ] = None,
    warehouse: Warehouse = None,
    out: Annotated[
        Path | None, typer.Option(help="HTML file to write (default: dashboard.html in the docs folder).")
    ] = None,
) -> None:
    """Write the council's dashboard (a self-contained HTML page) from the built warehouse, read-only."""
    from ingestion.report.dashboard import build_dashboard

    settings = Settings.from_env(home=home or _home_beside(warehouse), warehouse=warehouse)
    if not settings.warehouse.exists():
        raise typer.BadParameter(f"no warehouse at {settings.warehouse}: run `ascwh demo` or `ascwh build` first")
    typer.echo(build_dashboard(settings.warehouse, out or settings.docs / "dashboard.html"))


@app.command()
def share(
    quarter: Annotated[str, typer.Option(help="The quarter, e.g. 2023Q4 (October to December 2023).")],
    home: Annotated[
        Path | None, typer.Option(help="ascwh home (instead of ASCWH_HOME): its warehouse is read, outbox/ written.")
    ] = None,
    warehouse: Warehouse = None,
    recipient: Annotated[str | None, typer.Option(help="Who the share is for (recorded in the audit).")] = None,
) -> None:
    """Share a quarter with the Safeguarding Adults Board: build the disclosure-controlled pack, deliver it to the
    outbox (or over SFTP when ASCWH_SHARE_SFTP_CONN_ID is set) and record it in share.deliveries."""
    from ingestion.settings import outbox_path
    from ingestion.share import DEFAULT_RECIPIENT, SFTP_CONN_ENV
    from ingestion.share.board import share_quarter
    from ingestion.share.periods import Quarter
    from ingestion.share.pseudonymise import PseudonymisationKeyMissing, pseudonymisation_key

    try:
        period = Quarter.parse(quarter)
        key = pseudonymisation_key(allow_env=True)
    except (ValueError, PseudonymisationKeyMissing) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    home = home or _home_beside(warehouse)
    delivery, delivered = share_quarter(
        Settings.from_env(home=home, warehouse=warehouse),
        period,
        outbox=outbox_path(home),
        key=key,
        recipient=recipient or DEFAULT_RECIPIENT,
        sftp_conn_id=os.environ.get(SFTP_CONN_ENV) or None,
    )
    state = "delivered" if delivered else "unchanged since the delivery of"
    typer.echo(f"{period}: {state} {delivery.delivered_at:%Y-%m-%d %H:%M} UTC to {delivery.destination}")
    typer.echo(f"{len(delivery.files)} files, fingerprint {delivery.fingerprint[:16]}, audit {delivery.delivery_id}")


@app.command()
def demo(
    home: Annotated[Path, typer.Option(help="Folder for the demo's deliveries, warehouse and reports.")] = Path("demo"),
    scale: float = 1.0,
    seed: int = 0,
) -> None:
    """Simulate one year of the four feeds, land them through the DAGs, then the re-deliveries; summarise."""
    from ingestion.demo import run_demo

    run_demo(home, scale=scale, seed=seed)


@app.command()
def bench(
    scale: float = 10.0,
    home: Annotated[Path, typer.Option(help="Scratch folder for the benchmark.")] = Path("bench"),
    days: Annotated[int, typer.Option(help="Days of deliveries (365 = a year).")] = 365,
) -> None:
    """Simulate and ingest at a scale; print wall time, rows/s and peak memory per stage, and the DuckDB floor."""
    from ingestion.bench import run_bench

    run_bench(home, scale=scale, days=days)


@app.command(name="bench-build")
def bench_build(
    home: Annotated[Path, typer.Option(help="A demo home with a built warehouse (make demo).")] = Path("demo"),
    scale: Annotated[float, typer.Option(help="The scale the demo was simulated at.")] = 1.0,
    seed: int = 0,
) -> None:
    """Time a full warehouse build, then the incremental build after one more day of deliveries."""
    from ingestion.bench_build import run_build_bench

    run_build_bench(home, scale=scale, seed=seed)


if __name__ == "__main__":
    app()
