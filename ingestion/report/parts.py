"""What the dashboard's sections are made of: the reporting period, the warehouse read-only, and a ``Part`` (a
section, the marts it needs and the function that builds it), with the helpers the sections share.

A section's function gets the warehouse and the period and returns the section's tiles, charts, tables and notes;
``Part.section`` gives it its id, title and introduction, or, when a mart it needs is not in the warehouse (built
by an older version), a section saying so (likewise when one is empty).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import duckdb
import pandas as pd

from ingestion.report.formats import percent
from ingestion.report.page import Section

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Period:
    """Twelve calendar months, the last of them holding ``end``."""

    start: date
    end: date

    @classmethod
    def ending(cls, end: date) -> Period:
        first = date(end.year - (1 if end.month < 12 else 0), end.month % 12 + 1, 1)
        return cls(first, end)

    @property
    def months(self) -> list[date]:
        return [
            date(self.start.year + (self.start.month - 1 + i) // 12, (self.start.month - 1 + i) % 12 + 1, 1)
            for i in range(12)
        ]

    @property
    def label(self) -> str:
        return f"{self.start:%B %Y} to {self.end:%-d %B %Y}"


class Warehouse:
    """A read-only connection and the names of the marts it holds."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        rows = conn.execute("select table_name from information_schema.tables where table_schema = 'marts'")
        self.marts = frozenset(name for (name,) in rows.fetchall())

    def is_empty(self, mart: str) -> bool:
        return self.conn.execute(f"select count(*) = 0 from (select 1 from marts.{mart} limit 1)").fetchone()[0]

    def frame(self, sql: str, period: Period | None = None, **params: object) -> pd.DataFrame:
        return self._execute(sql, period, params).df()

    def value(self, sql: str, period: Period | None = None, **params: object) -> object:
        return self._execute(sql, period, params).fetchone()[0]

    def _execute(self, sql: str, period: Period | None, params: dict[str, object]) -> duckdb.DuckDBPyConnection:
        """Run ``sql`` with ``params`` and the period's bounds as $start and $end (those it uses)."""
        given = params | ({"start": period.start, "end": period.end} if period else {})
        return self.conn.execute(sql, {name: value for name, value in given.items() if f"${name}" in sql})


SectionBuilder = Callable[[Warehouse, Period], Section]


@dataclass(frozen=True)
class Part:
    """A section of the dashboard: what it needs from the warehouse and how it is built."""

    id: str
    title: str
    intro: str
    marts: tuple[str, ...]
    build: SectionBuilder

    def section(self, warehouse: Warehouse, period: Period) -> Section:
        missing = [
            f"marts.{name} ({'not built' if name not in warehouse.marts else 'empty'})"
            for name in self.marts
            if name not in warehouse.marts or warehouse.is_empty(name)
        ]
        if missing:
            return Section(self.id, self.title, self.intro, missing=missing)
        return replace(self.build(warehouse, period), id=self.id, title=self.title, intro=self.intro)


# tiles and table cells of the sections: a dash for a blank


def count(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.0f}"


def weeks(days: object) -> str:
    return "–" if days is None or pd.isna(days) else f"{days / DAYS_PER_WEEK:.1f} weeks"


def share(value: object) -> str:
    return "–" if value is None or pd.isna(value) else percent(value)


def monthly_series(frame: pd.DataFrame, months: Sequence[date], by: str, value: str) -> dict[str, list[float]]:
    """Series per value of ``by`` (in the order they first appear) over ``months``, from rows (month, by, value)."""
    pivot = frame.pivot(index="month", columns=by, values=value)
    pivot = pivot.reindex(pd.to_datetime(list(months)))
    return {str(name): pivot[name].tolist() for name in frame[by].unique()}


def label(name: str) -> str:
    """A code as words: ``sexual_orientation`` reads "Sexual orientation"."""
    return name.replace("_", " ").capitalize()
