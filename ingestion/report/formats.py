"""How numbers read on the pages: shared by the charts' labels and the tables' cells."""

from __future__ import annotations


def number(value: float) -> str:
    """1,234 when whole; one decimal from 10 up (12.4); below 10 up to two (0.98, 2.5)."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(value: float) -> str:
    """A share (0 to 1) as a whole percentage."""
    return f"{value:.0%}"
