"""The periods a board pack reports: a calendar quarter, and the financial year to its end."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
FINANCIAL_YEAR_START_MONTH = 4  # the Safeguarding Adults Collection year runs April to March


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``2023Q4`` is 1 October to 31 December 2023."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2023Q4`` (also ``2023-Q4``, ``2023q4``)."""
        match = _QUARTER.match(text)
        if not match:
            raise ValueError(f"not a quarter: {text!r} (expected YYYYQn, e.g. 2023Q4)")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def last_complete(cls, when: date) -> Quarter:
        """The last quarter that ended before ``when``."""
        current = cls(when.year, (when.month - 1) // 3 + 1)
        return current.previous()

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        following = date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)
        return following - timedelta(days=1)

    @property
    def year_start(self) -> date:
        """The first day of the financial year (April to March) the quarter falls in."""
        year = self.year if self.start.month >= FINANCIAL_YEAR_START_MONTH else self.year - 1
        return date(year, FINANCIAL_YEAR_START_MONTH, 1)

    def periods(self) -> dict[str, Period]:
        """The pack's two periods: the quarter, and the financial year to date."""
        return {"Quarter": Period(self.start, self.end), "Year to date": Period(self.year_start, self.end)}

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Period:
    """Dates from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"
