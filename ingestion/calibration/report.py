"""Print the calibration report: published figure, warehouse figure, difference."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from ingestion.calibration import Comparison, compare

TOLERANCE = 0.10


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    return f"{text}{unit if unit == '%' else ''}"


def calibration_table(comparisons: list[Comparison], scale: float) -> Table:
    table = Table(title=f"Calibration: published figures against the warehouse (scale {scale:g})")
    for column in ("section", "figure", "published", "warehouse", "difference"):
        table.add_column(column, justify="left" if column in ("section", "figure") else "right")
    for item in comparisons:
        difference = item.difference
        if item.error:
            shown = f"[red]{item.error}[/red]"
        elif difference is None:
            shown = "-"
        else:
            colour = "green" if abs(difference) <= TOLERANCE else "red"
            shown = f"[{colour}]{difference:+.1%}[/{colour}]"
        table.add_row(
            item.figure.section,
            item.figure.name,
            _number(item.expected, item.figure.unit),
            _number(item.value, item.figure.unit),
            shown,
        )
    return table


def print_calibration(warehouse: Path, scale: float = 1.0, console: Console | None = None) -> list[Comparison]:
    comparisons = compare(warehouse, scale)
    console = console or Console()
    console.print(calibration_table(comparisons, scale))
    within = sum(1 for c in comparisons if c.difference is not None and abs(c.difference) <= TOLERANCE)
    console.print(f"{within} of {len(comparisons)} figures within {TOLERANCE:.0%} of the published value")
    return comparisons
