"""A small chart kit: matplotlib (Agg) figures as inline SVG, each wrapped in ``<figure class="chart">``.

Every chart is self-contained markup: the SVG has its text drawn as paths (no fonts to fetch), no links, no
scripts, and ids salted with the chart's id so that several charts can share a page. One accessible palette
(Okabe and Ito's, safe for the common colour-vision deficiencies) is used everywhere; ``PALETTE[0]`` is the
colour of a single series, ``HIGHLIGHT`` marks what the reader should look at (a significant difference).

Missing values (``None`` or NaN: suppressed or not recorded) are not drawn; horizontal bars label them ``*``.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from markupsafe import Markup, escape
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from ingestion.report.formats import number

# Okabe & Ito (2008): blue, orange, bluish green, reddish purple, sky blue, vermillion, yellow
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
HIGHLIGHT = "#D55E00"
NEUTRAL = "#BBBBBB"  # for "missing" or "other": absence, not a group
INK = "#1B1B1B"
MUTED = "#6B6B6B"
GRID = "#DDDDDD"
WIDTH_INCHES = 5.6

Value = float | int | None
Formatter = Callable[[float], str]

_STYLE = {
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
}


def _missing(value: object) -> bool:
    """None, NaN, pandas' NA: anything that is not a number to draw."""
    try:
        return value is None or math.isnan(value)
    except TypeError:
        return True


def _numbers(values: Sequence[Value]) -> list[float]:
    """Values for matplotlib: missing ones as NaN (not drawn)."""
    return [math.nan if _missing(v) else float(v) for v in values]


def figure(chart_id: str, caption: str, body: str) -> Markup:
    """``body`` (trusted markup) in the figure every chart and placeholder shares."""
    return Markup('<figure class="chart" data-chart="{}"><figcaption>{}</figcaption>{}</figure>').format(
        chart_id, caption, Markup(body)
    )


def no_data(chart_id: str, caption: str) -> Markup:
    """The figure of a chart with nothing to draw."""
    return figure(chart_id, caption, '<p class="no-data">No data to chart.</p>')


def _wrapped(labels: Sequence[object], width: int = 40) -> list[str]:
    """Category labels on lines of at most ``width`` characters, so that long ones do not squeeze the plot."""
    return [textwrap.fill(str(label), width) for label in labels]


def _tick_style(labels: Sequence[str]) -> dict[str, object]:
    """Long category labels under vertical bars are slanted to fit."""
    return {"rotation": 30, "ha": "right"} if max(len(label) for label in labels) > 8 else {}


def _svg(fig: Figure, chart_id: str, caption: str) -> Markup:
    """The figure as an inline, responsive SVG element, wrapped with its caption; closes the figure."""
    buffer = io.StringIO()
    try:
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    finally:
        plt.close(fig)
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', svg, count=1)
    opening = f'<svg role="img" aria-label="{escape(caption)}"'
    return figure(chart_id, caption, opening + svg[len("<svg") :])


def _render(chart_id: str, caption: str, draw: Callable[[Axes], None], height: float) -> Markup:
    with plt.rc_context({**_STYLE, "svg.hashsalt": chart_id}):
        fig, ax = plt.subplots(figsize=(WIDTH_INCHES, height))
        draw(ax)
        return _svg(fig, chart_id, caption)


def _bar_height(rows: int) -> float:
    return min(9.5, 0.9 + 0.34 * max(rows, 1))


def horizontal_bar(
    chart_id: str,
    caption: str,
    labels: Sequence[str],
    values: Sequence[Value],
    *,
    ci: tuple[Sequence[Value], Sequence[Value]] | None = None,
    highlight: Sequence[bool] | None = None,
    reference: tuple[str, float] | None = None,
    xlabel: str = "",
    fmt: Formatter = number,
) -> Markup:
    """One bar per label, top to bottom in the order given, each labelled with its value.

    ``ci`` (lows, highs) draws confidence intervals as error bars; ``highlight`` colours the flagged bars
    (and the legend says what they mean); ``reference`` (name, value) draws a dashed line, e.g. the average
    every group is compared with."""
    if all(_missing(v) for v in values):
        return no_data(chart_id, caption)
    numbers = _numbers(values)
    flags = list(highlight) if highlight is not None else [False] * len(numbers)

    def draw(ax: Axes) -> None:
        positions = range(len(numbers))
        colours = [HIGHLIGHT if flag else PALETTE[0] for flag in flags]
        bars = ax.barh(positions, [0 if math.isnan(v) else v for v in numbers], color=colours, height=0.66)
        if ci is not None:
            lows, highs = _numbers(ci[0]), _numbers(ci[1])
            errors = [
                [max(c - lo, 0) if not math.isnan(lo) else 0 for c, lo in zip(numbers, lows, strict=True)],
                [max(hi - c, 0) if not math.isnan(hi) else 0 for c, hi in zip(numbers, highs, strict=True)],
            ]
            ax.errorbar(numbers, positions, xerr=errors, fmt="none", ecolor=INK, elinewidth=1, capsize=3)
        labels_at = [max(v, hi) for v, hi in zip(numbers, _numbers(ci[1]) if ci else numbers, strict=True)]
        for bar, value, at in zip(bars, numbers, labels_at, strict=True):
            text = "*" if math.isnan(value) else fmt(value)
            x = 0 if math.isnan(at) else at
            ax.annotate(text, (x, bar.get_y() + bar.get_height() / 2), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=8, color=INK)  # fmt: skip
        handles = []
        if reference is not None:
            handles.append(ax.axvline(reference[1], color=INK, linestyle="--", linewidth=1, label=reference[0]))
        if any(flags):
            handles.append(Patch(color=HIGHLIGHT, label="significantly different"))
        if handles:
            ax.legend(
                handles=handles,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.1 if not xlabel else -0.2),
                ncols=2,
                fontsize=8,
            )
        ax.set_yticks(list(positions), _wrapped(labels))
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        ax.margins(x=0.12)

    return _render(chart_id, caption, draw, _bar_height(len(numbers)))


def grouped_bar(
    chart_id: str,
    caption: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Value]],
    *,
    stacked: bool = False,
    horizontal: bool = True,
    xlabel: str = "",
    fmt: Formatter = number,
    colours: Sequence[str] = PALETTE,
) -> Markup:
    """Several series over the same categories: side by side (grouped) or on top of each other (stacked); the
    series take ``colours`` in order (pass fixed ones when a series may be absent, so each keeps its colour)."""
    if not categories or all(_missing(v) for values in series.values() for v in values):
        return no_data(chart_id, caption)
    names = list(series)

    def draw(ax: Axes) -> None:
        count = len(categories)
        width = 0.8 if stacked else 0.8 / len(names)
        base = [0.0] * count
        for index, name in enumerate(names):
            numbers = _numbers(series[name])
            values = [0 if math.isnan(v) else v for v in numbers]
            offset = 0.0 if stacked else (index - (len(names) - 1) / 2) * width
            positions = [p + offset for p in range(count)]
            colour = colours[index % len(colours)]
            if horizontal:
                bars = ax.barh(positions, values, height=width, left=base, color=colour, label=name)
            else:
                bars = ax.bar(positions, values, width=width, bottom=base, color=colour, label=name)
            if not stacked:
                texts = ["*" if math.isnan(v) else fmt(v) for v in numbers]
                ax.bar_label(bars, labels=texts, padding=2, fontsize=7, color=INK)
            else:
                base = [b + v for b, v in zip(base, values, strict=True)]
        ticks, labels = list(range(count)), _wrapped(categories)
        (ax.xaxis if horizontal else ax.yaxis).set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        if horizontal:
            ax.set_yticks(ticks, labels)
            ax.invert_yaxis()
            ax.grid(axis="y", visible=False)
            ax.set_xlabel(xlabel)
            ax.margins(x=0.1)
        else:
            ax.set_xticks(ticks, labels, **_tick_style(labels))
            ax.grid(axis="x", visible=False)
            ax.set_ylabel(xlabel)
            ax.margins(y=0.1)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 if horizontal else -0.25), ncols=min(len(names), 4),
                  fontsize=8)  # fmt: skip

    rows = len(categories) * (1 if stacked else len(names)) if horizontal else 8
    return _render(chart_id, caption, draw, _bar_height(rows) + 0.4 if horizontal else 3.2)


def line_over_months(
    chart_id: str,
    caption: str,
    months: Sequence[date],
    series: Mapping[str, Sequence[Value]],
    *,
    ylabel: str = "",
    fmt: Formatter = number,
) -> Markup:
    """One line per series over months (first day of each month), with a marker per month."""
    if not months or all(_missing(v) for values in series.values() for v in values):
        return no_data(chart_id, caption)

    def draw(ax: Axes) -> None:
        for index, (name, values) in enumerate(series.items()):
            ax.plot(list(months), _numbers(values), color=PALETTE[index % len(PALETTE)], marker="o", markersize=3.5,
                    linewidth=2, label=name)  # fmt: skip
        ax.set_xticks(list(months), [f"{m:%b}\n{m:%Y}" if m.month in (1, months[0].month) else f"{m:%b}"
                                     for m in months])  # fmt: skip
        ax.grid(axis="x", visible=False)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(ylabel)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        if len(series) > 1:
            columns = min(len(series), 3 if max(len(name) for name in series) <= 20 else 1)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=columns, fontsize=8)

    return _render(chart_id, caption, draw, 2.8)
