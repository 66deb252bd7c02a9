"""What the pack's modules share: the published table, and reading the warehouse into counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from ingestion.share.periods import Period


@dataclass(frozen=True)
class PackTable:
    """One published table: ``name`` (its file name), ``title`` and the disclosure-controlled ``frame`` (the first
    column(s) hold the row labels; value cells are numbers, the suppression marker, or empty)."""

    name: str
    title: str
    frame: pd.DataFrame


def query(conn: duckdb.DuckDBPyConnection, sql: str, period: Period | None = None, **params: Any) -> pd.DataFrame:
    """``sql`` as a DataFrame, with ``$start`` and ``$end`` bound to the period's first and last days."""
    if period is not None:
        params |= {"start": period.start, "end": period.end}
    return conn.execute(sql, params).df()


def table_exists(conn: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    """Whether ``schema.table`` exists (a table or a view)."""
    schema, name = qualified.split(".")
    found = conn.execute(
        "select count(*) from information_schema.tables where table_schema = $s and table_name = $n",
        {"s": schema, "n": name},
    ).fetchone()
    return bool(found and found[0])


def ordered(expected: Sequence[str], observed: Sequence[Any], last: Sequence[str] = ()) -> list[str]:
    """``expected`` values, then any other value observed, then ``last``: every value once."""
    values = list(dict.fromkeys([*expected, *(str(v) for v in observed if v is not None)]))
    return [value for value in values if value not in last] + list(last)


def crosstab(frame: pd.DataFrame, rows: Sequence[str], columns: Sequence[str], label: str) -> pd.DataFrame:
    """Counts (``frame``: columns ``row``, ``column``, ``n``) laid out on ``rows`` x ``columns``, zeros included."""
    table = pd.DataFrame(0, index=pd.Index(list(rows), name=label), columns=list(columns), dtype="int64")
    for row in frame.itertuples(index=False):
        table.at[row.row, row.column] += int(row.n)
    return table
