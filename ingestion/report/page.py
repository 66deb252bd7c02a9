"""One printable, self-contained HTML page: a title, KPI tiles, sections of charts and tables, notes.

The page has no external resources (CSS inline, charts inline SVG, no scripts), so it opens the same from a
shared drive, an e-mail attachment or a council laptop with no internet. Tables are pandas DataFrames,
rendered with their numbers formatted (1,234; 12.3) and any other cell (a suppression marker ``*``) as is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from numbers import Real
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ingestion.report.formats import number

PAIRED_COLUMNS = 5  # a table this narrow fits beside a chart
_ENV = Environment(loader=PackageLoader("ingestion.report", "templates"), autoescape=select_autoescape(["j2"]))


@dataclass(frozen=True)
class Tile:
    """A headline figure: label, value (already formatted) and an optional line of context."""

    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A DataFrame with a caption; ``formats`` maps a column to its cell formatter (others: ``format_cell``)."""

    caption: str
    frame: pd.DataFrame
    formats: Mapping[str, Callable[[object], str]] = field(default_factory=dict)


@dataclass
class Section:
    """A part of the page. ``missing`` names what the warehouse lacks: the section then says so, and nothing else."""

    id: str = ""
    title: str = ""
    intro: str = ""
    tiles: list[Tile] = field(default_factory=list)
    charts: list[Markup] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def paired(self) -> bool:
        """One chart and narrow tables: laid out side by side (wide tables go under the charts)."""
        return (
            len(self.charts) == 1
            and bool(self.tables)
            and all(len(t.frame.columns) <= PAIRED_COLUMNS for t in self.tables)
        )


def _blank(value: object) -> bool:
    """None, NaN, NaT or pandas' NA."""
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def format_cell(value: object) -> str:
    """A table cell: numbers as ``formats.number``, blanks as a dash, yes/no for booleans, text as is."""
    if _blank(value):
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Real):
        return number(value)
    return str(value)


def _is_number(value: object) -> bool:
    """A number, a blank or the suppression marker: a cell of a numeric column."""
    return (isinstance(value, Real) and not isinstance(value, bool)) or _blank(value) or value == "*"


def table_html(table: Table) -> Markup:
    """A DataFrame as an HTML table (escaped), numeric columns right-aligned."""
    frame = table.frame
    numeric = [all(_is_number(v) for v in frame[column]) for column in frame.columns]
    formats = [table.formats.get(column, format_cell) for column in frame.columns]
    rows = [
        [(fmt(v), n) for fmt, v, n in zip(formats, row, numeric, strict=True)] for row in frame.itertuples(index=False)
    ]
    html = _ENV.get_template("table.html.j2").render(
        caption=table.caption, columns=list(zip(frame.columns, numeric, strict=True)), rows=rows
    )
    return Markup(html)


def render_page(
    out: Path,
    *,
    title: str,
    subtitle: str = "",
    tiles: Sequence[Tile] = (),
    sections: Sequence[Section],
    notes: Sequence[str] = (),
) -> Path:
    """Write the page to ``out`` (parent folders created) and return its path."""
    html = _ENV.get_template("page.html.j2").render(
        title=title,
        subtitle=subtitle,
        tiles=tiles,
        sections=sections,
        notes=notes,
        table_html=table_html,
        generated=f"{datetime.now():%d %B %Y, %H:%M}",
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
