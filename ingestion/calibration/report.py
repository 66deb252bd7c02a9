"""Print the calibration report: published figure, warehouse figure, difference.

A figure is within tolerance when the warehouse value is within 10% of the published one. A percentage published
as a whole number (2%, 26%) carries its rounding, half a point either way, so it is also within tolerance when the
warehouse value rounds to it: this only widens the 10% for published shares under 5% (a published 1% is 0.5% to
1.5%; 2% is 1.5% to 2.5%), where 10% is a fraction of the rounding itself. The difference shown is still against
the published value.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from ingestion.calibration import Comparison, compare

TOLERANCE = 0.10
ROUNDING = 0.5  # points either side of a percentage published as a whole number


def within_tolerance(item: Comparison) -> bool:
    difference = item.difference
    if difference is None or item.value is None:
        return False
    if abs(difference) <= TOLERANCE:
        return True
    whole_percent = item.figure.unit == "%" and float(item.expected).is_integer()
    return whole_percent and abs(item.value - item.expected) <= ROUNDING


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
            colour = "green" if within_tolerance(item) else "red"
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
    within = sum(1 for c in comparisons if within_tolerance(c))
    console.print(
        f"{within} of {len(comparisons)} figures within {TOLERANCE:.0%} of the published value "
        "(or, for a whole-number percentage, rounding to it)"
    )
    return comparisons
