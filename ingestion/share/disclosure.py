"""Statistical disclosure control for the tables ascwh shares below national level (docs/national-rules.md).

NHS England practice, as the national rules state it:

- counts of 1 to 7 are suppressed (shown as :data:`SUPPRESSED`), other counts are rounded to the nearest 5, zero
  stays zero (:func:`protect`, :func:`count_cell`);
- percentages and rates are computed from the *published* (rounded) numerator and denominator, and are suppressed
  where either is (:func:`ratio`);
- means and medians of fewer than 8 people are suppressed (:func:`statistic`);
- a suppressed cell must not be recoverable from the totals of its row or column: a second cell is suppressed
  where needed (secondary suppression, :func:`secondary_suppression`).

A :class:`CountTable` holds raw counts and the sums that hold between its cells (a total row, a total column,
subtotals): each :class:`Sum` is one "line" a reader could subtract along. Secondary suppression works on those
lines, on the raw counts, before rounding:

1. every line with exactly one suppressed cell gets a second: its smallest non-zero unsuppressed cell (the total
   included); repeated until no line has exactly one;
2. then, since lines share cells, a suppressed cell may still follow from the published cells by combining several
   lines (a cell bridging two blocks of suppressed cells). Any suppressed cell that is determined by the system of
   line equations (its unit vector lies in the row space of the equations over the suppressed cells) gets the
   smallest unsuppressed cell of one of its lines suppressed, and step 1 runs again.

Both steps only ever add suppressions, and a table with every cell suppressed discloses nothing, so the loop ends.
The result is safe, not minimal: an optimal pattern (least information lost) is an integer programme, not needed
for tables of this size.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SUPPRESSED = "*"  # the national marker for a suppressed cell
LARGEST_SUPPRESSED = 7  # counts 1..7 are suppressed
ROUNDING_BASE = 5
MIN_PEOPLE_FOR_STATISTIC = 8  # means and medians of fewer people are suppressed

Cell = tuple[Hashable, Hashable]  # (row label, column label)
Published = int | float | str | None  # a published value: a number, the marker, or None (not applicable)


@dataclass(frozen=True)
class Sum:
    """One additive line of a table: ``total`` is the sum of ``parts``."""

    total: Cell
    parts: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class CountTable:
    """Raw counts (index: row labels, named; columns: column labels) and the sums that hold between them."""

    counts: pd.DataFrame
    sums: tuple[Sum, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for line in self.sums:
            values = [self.value(cell) for cell in line.parts]
            if self.value(line.total) != sum(values):
                raise ValueError(f"{line.total} is not the sum of its parts")

    def value(self, cell: Cell) -> int:
        return int(self.counts.at[cell])

    @property
    def cells(self) -> list[Cell]:
        return [(row, column) for row in self.counts.index for column in self.counts.columns]

    @classmethod
    def nested(
        cls,
        leaves: pd.DataFrame,
        children: Mapping[Hashable, Sequence[Hashable]] | None = None,
        *,
        order: Sequence[Hashable] | None = None,
        total_column: str | None = None,
    ) -> CountTable:
        """A table of the ``leaves`` rows and the rows that sum others (``children``: row -> the rows it sums,
        leaves or other such rows; a leaf may also sum others, when its counts must equal theirs), in ``order``
        (default: leaves, then the summing rows), with a total column (the sum of each row) when
        ``total_column`` names it. Every sum is one of the table's lines."""
        children = dict(children or {})
        values: dict[Hashable, pd.Series] = {row: leaves.loc[row] for row in leaves.index}

        def value(row: Hashable) -> pd.Series:
            if row not in values:
                values[row] = sum((value(child) for child in children[row]), start=leaves.iloc[0] * 0)
            return values[row]

        rows = list(order or dict.fromkeys([*leaves.index, *children]))
        counts = pd.DataFrame([value(row) for row in rows], index=pd.Index(rows, name=leaves.index.name))
        counts = counts.astype("int64")
        columns = list(counts.columns)
        sums = []
        if total_column is not None:
            counts[total_column] = counts[columns].sum(axis=1)
            sums += [Sum((row, total_column), tuple((row, column) for column in columns)) for row in rows]
        sums += [
            Sum((parent, column), tuple((child, column) for child in kids))
            for parent, kids in children.items()
            for column in counts.columns
        ]
        return cls(counts, tuple(sums))

    @classmethod
    def with_margins(
        cls, counts: pd.DataFrame, *, total_row: str | None = "Total", total_column: str | None = "Total"
    ) -> CountTable:
        """``counts`` with a total row (the sum of each column) and a total column (the sum of each row), either
        left out when its name is None."""
        children = {total_row: list(counts.index)} if total_row is not None else {}
        return cls.nested(counts, children, total_column=total_column)


def is_primary(count: int) -> bool:
    """A count the rules suppress on its own: 1 to 7."""
    return 1 <= count <= LARGEST_SUPPRESSED


def rounded(count: int) -> int:
    """``count`` rounded to the nearest 5 (an integer is never half-way)."""
    return ROUNDING_BASE * round(count / ROUNDING_BASE)


def count_cell(count: int) -> int | str:
    """One count, published: suppressed when 1 to 7, else rounded to the nearest 5 (zero stays zero)."""
    return SUPPRESSED if is_primary(count) else rounded(count)


def secondary_suppression(table: CountTable, suppressed: Iterable[Cell] = ()) -> set[Cell]:
    """The cells to suppress: the primary ones (1 to 7), ``suppressed``, and enough others that no suppressed cell
    can be worked out from the published cells of the table's sums (see the module's docstring)."""
    hidden = {cell for cell in table.cells if is_primary(table.value(cell))} | set(suppressed)
    while True:
        _complete_lines(table, hidden)
        exposed = determined_cells(table.sums, hidden)
        if not exposed:
            return hidden
        lines = [line.cells for line in table.sums if exposed[0] in line.cells]
        candidates = [cell for line in lines for cell in line if cell not in hidden]
        candidates = candidates or [cell for cell in table.cells if cell not in hidden]
        if not candidates:  # everything is suppressed already
            return hidden
        hidden.add(_smallest(table, candidates))


def _complete_lines(table: CountTable, hidden: set[Cell]) -> None:
    """Give every line with exactly one suppressed cell a second, until none has exactly one."""
    changed = True
    while changed:
        changed = False
        for line in table.sums:
            if sum(cell in hidden for cell in line.cells) == 1:
                hidden.add(_smallest(table, [cell for cell in line.cells if cell not in hidden]))
                changed = True


def _smallest(table: CountTable, candidates: Sequence[Cell]) -> Cell:
    """The candidate to suppress next: the smallest non-zero count (a zero only when nothing else is left);
    ties go to the first in table order, so the result is deterministic."""
    order = {cell: position for position, cell in enumerate(table.cells)}
    return min(candidates, key=lambda cell: (table.value(cell) == 0, table.value(cell), order[cell]))


def determined_cells(sums: Sequence[Sum], hidden: set[Cell]) -> list[Cell]:
    """Suppressed cells whose value follows from the published cells through the sums (exactly, by linear algebra;
    bounds from non-negativity are not considered). Ordered as first met in ``sums``."""
    unknown = list(dict.fromkeys(cell for line in sums for cell in line.cells if cell in hidden))
    if not unknown:
        return []
    column = {cell: index for index, cell in enumerate(unknown)}
    equations = np.zeros((len(sums), len(unknown)))
    for row, line in enumerate(sums):
        for cell, sign in ((line.total, -1.0), *((part, 1.0) for part in line.parts)):
            if cell in column:
                equations[row, column[cell]] += sign
    rank = np.linalg.matrix_rank(equations)
    exposed = []
    for cell, index in column.items():
        unit = np.zeros((1, len(unknown)))
        unit[0, index] = 1.0
        if np.linalg.matrix_rank(np.vstack([equations, unit])) == rank:
            exposed.append(cell)
    return exposed


def protect(table: CountTable) -> pd.DataFrame:
    """The table as published: suppressed cells (primary and secondary) as :data:`SUPPRESSED`, others rounded;
    row labels become the first column."""
    hidden = secondary_suppression(table)
    published = pd.DataFrame(index=table.counts.index, columns=table.counts.columns, dtype=object)
    for cell in table.cells:
        published.at[cell] = SUPPRESSED if cell in hidden else rounded(table.value(cell))
    return published.reset_index()


def ratio(numerator: Published, denominator: Published, *, per: float = 100.0, digits: int = 1) -> Published:
    """``numerator / denominator * per`` from published values: suppressed when either is, None when the
    denominator is zero or not applicable."""
    if SUPPRESSED in (numerator, denominator):
        return SUPPRESSED
    if numerator is None or not denominator:
        return None
    return round(float(numerator) / float(denominator) * per, digits)


def statistic(value: float | None, people: int, *, digits: int = 1) -> Published:
    """A mean or median over ``people``: suppressed when fewer than 8, None when there is nobody."""
    if people == 0 or value is None or pd.isna(value):
        return None
    if people < MIN_PEOPLE_FOR_STATISTIC:
        return SUPPRESSED
    return round(float(value), digits)
