"""Days, times and their text forms.

The simulation counts days as proleptic ordinals (``date.toordinal()``) and times of day in minutes. Text forms
are cached because the same few thousand dates are formatted millions of times.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


@cache
def iso(day: int) -> str:
    """``YYYY-MM-DD``."""
    return date.fromordinal(day).isoformat()


@cache
def uk(day: int) -> str:
    """``dd/mm/yyyy``."""
    return date.fromordinal(day).strftime("%d/%m/%Y")


def _last_sunday(year: int, month: int) -> int:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last.toordinal() - (last.weekday() + 1) % 7


@cache
def utc_offset(day: int) -> str:
    """UK offset on a day: ``+01:00`` in British Summer Time, else ``+00:00`` (by date; the simulator
    never times anything during the small hours of a clock change)."""
    year = date.fromordinal(day).year
    in_bst = _last_sunday(year, 3) <= day < _last_sunday(year, 10)
    return "+01:00" if in_bst else "+00:00"


def local_timestamp(day: int, minute: int) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UK local time."""
    return f"{iso(day)} {minute // 60:02d}:{minute % 60:02d}:00"


def iso_timestamp(day: int, minute: int) -> str:
    """ISO 8601 with the UK offset, e.g. ``2024-03-31T23:15:00+01:00``."""
    return f"{iso(day)}T{minute // 60:02d}:{minute % 60:02d}:00{utc_offset(day)}"


def month_end(day: int) -> bool:
    return date.fromordinal(day + 1).day == 1
