"""Terminal output: of ``ascwh run``, what each feed's run did, as one table, then what needs a look; of a warehouse
build, the phase under way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingestion.report import FeedReport

if TYPE_CHECKING:
    from ingestion.dbt_build import BuildSummary
    from ingestion.settings import Settings

# column heading -> FeedReport count (sized to fit an 80-column terminal)
COLUMNS: dict[str, str] = {
    "files\nseen": "files_seen",
    "files\nloaded": "files_loaded",
    "files\nignored": "files_ignored",
    "files\nquarantined": "files_quarantined",
    "rows\nloaded": "rows_loaded",
    "rows\nrejected": "rows_rejected",
    "fields\nflagged": "fields_flagged",
}
# counts highlighted when not zero
ATTENTION = {"files_quarantined": "bold red", "rows_rejected": "yellow", "fields_flagged": "yellow"}


def report_table(reports: Sequence[FeedReport]) -> Table:
    """One row per feed, one column per count."""
    table = Table(title="Ingestion run", box=box.SIMPLE_HEAD, show_edge=False, collapse_padding=True)
    table.add_column("feed", no_wrap=True)
    for heading in COLUMNS:
        table.add_column(heading, justify="right", no_wrap=True)
    for report in reports:
        table.add_row(report.feed, *(_cell(report, name) for name in COLUMNS.values()))
    return table


def _cell(report: FeedReport, name: str) -> str:
    """A count, highlighted when it needs attention."""
    value = getattr(report, name)
    style = ATTENTION.get(name) if value else None
    return f"[{style}]{value:,}[/]" if style else f"{value:,}"


def print_reports(reports: Sequence[FeedReport], console: Console | None = None) -> None:
    """Print the run's table, then each feed's superseded deliveries, schema drift and quarantine reports."""
    console = console or Console()
    console.print(report_table(reports))
    for report in reports:
        for note in _notes(report):
            console.print(note, soft_wrap=True)  # paths stay whole, so they can be copied


def _notes(report: FeedReport) -> list[str]:
    """What in a feed's report needs a look beyond the counts."""
    feed = escape(report.feed)
    notes = []
    if report.files_superseded:
        notes.append(f"{feed}: deliveries superseded by a corrected re-send: {report.files_superseded}")
    if report.schema_drift:
        notes.append(f"[yellow]{feed}[/]: new columns loaded: {escape(', '.join(report.schema_drift))}")
    notes.extend(f"[bold red]{feed}[/]: delivery quarantined, see {escape(path)}" for path in report.quarantine_reports)
    return notes


def build_with_progress(console: Console, settings: Settings, **options: Any) -> BuildSummary:
    """``ingestion.dbt_build.build_warehouse(settings, **options)`` with a spinner naming the phase under way: an
    in-process build shows none of dbt's own log."""
    from ingestion.dbt_build import build_warehouse

    with console.status("dbt build") as status:
        return build_warehouse(settings, on_phase=status.update, **options)
