"""The Safeguarding Adults Board's report: the quarterly data share as one self-contained HTML page with charts.

The tables arrive disclosure-controlled (``ingestion/share``): the first column(s) are labels, the other cells
numbers or the suppression marker ``*``. Every table is rendered as given, with a chart of its numbers; the known
tables (concerns, enquiries, risk, Making Safeguarding Personal, rates beside England, equity) get the chart that
suits them, any other key a generic one. Suppressed cells are not charted (a bar's label reads ``*``) and a note
says why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ingestion.report import charts
from ingestion.report.page import Section, Table, render_page

SUPPRESSED = "*"
SUPPRESSION_NOTE = (
    "* marks a suppressed figure: a count of 1 to 7, a figure from which one could be worked out, or a rate or "
    "average of too few people. Other counts are rounded to the nearest 5, so totals may not add up."
)
TOTALS = frozenset({"total", "all", "all people"})
TIME_COLUMNS = frozenset({"quarter", "month", "period", "year", "financial year"})
CI_COLUMNS = ("ci_low", "ci_high")
SHARE_WORDS = ("%", "percent", "share", "rate", "per 100")  # rows or columns of these are not charted beside counts


@dataclass(frozen=True)
class Known:
    """A table the board always gets: its title, a line of context, and which rows its chart shows."""

    title: str
    intro: str
    rows: str = "counts"  # counts: rows of counts; shares: rows of percentages; rates: rows of rates per 100,000


KNOWN = {
    "concerns": Known("Safeguarding concerns", "Concerns received about adults at risk."),
    "enquiries": Known("Safeguarding enquiries", "Enquiries started and concluded (Section 42 and other)."),
    "type_of_risk": Known("Type of risk", "Concluded enquiries by the type of risk (an enquiry may have several)."),
    "location_of_risk": Known("Location of risk", "Concluded enquiries by where the risk was."),
    "source_of_risk": Known("Source of risk", "Concluded enquiries by who or what the risk came from."),
    "risk_outcomes": Known(
        "Risk outcomes", "Whether the risk was removed, reduced or remained when the enquiry ended."
    ),
    "msp": Known(
        "Making Safeguarding Personal",
        "Whether people were asked about the outcomes they wanted, and whether those outcomes were achieved.",
        rows="shares",
    ),
    "rates": Known("The county beside England", "Rates per 100,000 adults, the county's beside England's.", "rates"),
    "summary": Known(
        "Concerns and enquiries", "Headline counts, and rates per 100,000 adults beside England's.", "rates"
    ),
}
ALIASES = {"making_safeguarding_personal": "msp"}


def _known(key: str) -> tuple[Known | None, str]:
    """The known table ``key`` names (``type_of_risk_quarter`` is ``type_of_risk``) and what follows its name."""
    slug = ALIASES.get(_slug(key).replace("-", "_"), _slug(key).replace("-", "_"))
    for name in sorted([*KNOWN, *ALIASES], key=len, reverse=True):
        if slug == name or slug.startswith(name + "_"):
            return KNOWN[ALIASES.get(name, name)], slug.removeprefix(name).strip("_").replace("_", " ")
    return None, ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _title(key: str) -> str:
    known, rest = _known(key)
    if known is not None:
        return f"{known.title} ({rest})" if rest else known.title
    if key.startswith("equity_"):
        return "Equity: " + key.removeprefix("equity_").replace("_", " ")
    return key.replace("_", " ")[:1].upper() + key.replace("_", " ")[1:]


@dataclass(frozen=True)
class Split:
    """A table's label columns and value columns."""

    labels: list[str]
    values: list[str]


def _is_value(cell: object) -> bool:
    return (isinstance(cell, Real) and not isinstance(cell, bool)) or bool(pd.isna(cell)) or cell == SUPPRESSED


def split(frame: pd.DataFrame) -> Split:
    """The first column is a label, then every column up to the first whose cells are all numbers or ``*``."""
    columns = list(frame.columns)
    first_value = next(
        (i for i, column in enumerate(columns) if i > 0 and all(_is_value(cell) for cell in frame[column])),
        len(columns),
    )
    return Split(columns[:first_value], columns[first_value:])


def numeric(column: pd.Series) -> list[float | None]:
    """Chartable values: suppressed and blank cells as None."""
    return [None if not isinstance(cell, Real) or pd.isna(cell) else float(cell) for cell in column]


def _is_share(name: object) -> bool:
    return any(word in str(name).lower() for word in SHARE_WORDS)


def _is_total(name: object) -> bool:
    return str(name).strip().lower() in TOTALS


def _rows(body: pd.DataFrame, label: str, kind: str) -> pd.DataFrame:
    """The rows a chart shows: never totals; of the rest, rows of counts, of shares or of rates as the table's
    kind says (all of them when none is of that kind)."""
    names = body[label].astype(str)
    rows = body[~names.map(_is_total)]
    names = rows[label].astype(str)
    if kind == "shares":
        chosen = rows[names.map(_is_share)]
    elif kind == "rates":
        chosen = rows[names.str.lower().str.contains(r"per[ _]100(?:,000|k)")]
    else:
        chosen = rows[~names.map(_is_share)]
    return chosen if not chosen.empty else rows


def _chart(key: str, frame: pd.DataFrame) -> Markup | None:
    """The chart of one table, or None when it has nothing to chart (no value columns)."""
    parts = split(frame)
    if not parts.values or frame.empty:
        return None
    known, _ = _known(key)
    chart_id, caption = f"board-{_slug(key)}", _title(key)
    if all(column in frame.columns for column in CI_COLUMNS):
        return _with_intervals(chart_id, caption, frame, parts)
    kind = known.rows if known else "counts"
    body = _rows(frame, parts.labels[0], kind)
    labels = [" · ".join(str(cell) for cell in row) for row in body[parts.labels].itertuples(index=False)]
    columns = [c for c in parts.values if not _is_total(c)]
    columns = ([c for c in columns if not _is_share(c)] if kind == "counts" else columns) or parts.values
    if len(parts.labels) == 2 and len(columns) == 1:
        wide = body.pivot(index=parts.labels[0], columns=parts.labels[1], values=columns[0])
        wide = wide.reindex(body[parts.labels[0]].unique())
        series = {str(c): numeric(wide[c]) for c in wide.columns}
        return charts.grouped_bar(chart_id, caption, [str(i) for i in wide.index], series)
    if str(parts.labels[0]).lower().replace("_", " ") in TIME_COLUMNS:
        series = {_heading(c): numeric(body[c]) for c in columns}
        return charts.grouped_bar(chart_id, caption, labels, series, horizontal=False)
    if len(columns) == 1:
        values = numeric(body[columns[0]])
        order = sorted(range(len(labels)), key=lambda i: -1 if values[i] is None else -values[i])
        return charts.horizontal_bar(chart_id, caption, [labels[i] for i in order], [values[i] for i in order])
    stacked = kind == "counts" and any(_is_total(c) for c in parts.values)
    series = {_heading(c): numeric(body[c]) for c in columns}
    return charts.grouped_bar(chart_id, caption, labels, series, stacked=stacked)


def _with_intervals(chart_id: str, caption: str, body: pd.DataFrame, parts: Split) -> Markup:
    """A value with its confidence interval per group, significant differences highlighted (equity tables)."""
    labels = [" · ".join(str(cell) for cell in row) for row in body[parts.labels].itertuples(index=False)]
    value = next((c for c in parts.values if str(c).lower() == "value"), parts.values[-1])
    flags = [str(cell).lower() in ("true", "yes", "1") for cell in body.get("is_significant", [False] * len(body))]
    comparison = numeric(body["comparison_value"]) if "comparison_value" in body else []
    reference = next((("everyone else", v) for v in comparison if v is not None and len(set(comparison)) == 1), None)
    return charts.horizontal_bar(
        chart_id,
        caption,
        labels,
        numeric(body[value]),
        ci=(numeric(body[CI_COLUMNS[0]]), numeric(body[CI_COLUMNS[1]])),
        highlight=flags,
        reference=reference,
    )


def _heading(column: object) -> str:
    return str(column).replace("_", " ")


def _section(key: str, frame: pd.DataFrame) -> Section:
    chart = _chart(key, frame)
    known, _ = _known(key)
    notes = []
    if all(column in frame.columns for column in CI_COLUMNS):
        notes.append(
            "Bars show each group's value with its 95% confidence interval; orange bars differ significantly "
            "from everyone else (two-sided 5% test)."
        )
    if (frame == SUPPRESSED).any(axis=None):
        notes.append("Some figures are suppressed (*): they are left out of the chart.")
    return Section(
        id=f"table-{_slug(key)}",
        title=_title(key),
        intro=known.intro if known else "",
        charts=[chart] if chart is not None else [],
        tables=[Table(f"{_title(key)}: figures", frame.rename(columns=_heading))],
        notes=notes,
    )


def render_board_report(tables: Mapping[str, pd.DataFrame], *, title: str, notes: Sequence[str], out: Path) -> Path:
    """Write the board's report of ``tables`` (disclosure-controlled, in the order given) to ``out``; return it."""
    sections = [_section(key, frame) for key, frame in tables.items()]
    suppressed = any((frame == SUPPRESSED).any(axis=None) for frame in tables.values())
    return render_page(
        out,
        title=title,
        subtitle="Safeguarding Adults Board: data share",
        sections=sections,
        notes=[*notes, SUPPRESSION_NOTE] if suppressed else list(notes),
    )
