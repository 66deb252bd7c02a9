"""Copy the raw layer from the DuckDB warehouse to PostgreSQL, so the dbt project can build there unchanged.

What dbt reads is copied: the rows in force of every raw entity (the views ``raw.<feed>__<entity>_current``,
one per entity of ``ingestion.contracts.ENTITIES``) into tables of the same name in schema ``raw``, and the
``ingest.*`` tables (deliveries, field flags, gate results, ...) into schema ``ingest``. dbt's sources
(``schema: raw``, ``identifier: <table>_current``) then resolve on PostgreSQL as on DuckDB.

Rows travel as Arrow record batches written to an in-memory CSV and streamed with PostgreSQL's
``COPY ... FROM STDIN`` (psycopg2); DuckDB's postgres extension is not needed. Each table is replaced in
one transaction for the whole copy: a table whose columns are unchanged is truncated (dbt's views over it
stay), otherwise it is dropped with what depends on it (the next dbt build recreates those views).

Connection settings come from ``ASCWH_PG_HOST``, ``ASCWH_PG_PORT``, ``ASCWH_PG_USER``, ``ASCWH_PG_PASSWORD``
and ``ASCWH_PG_DATABASE``, the variables of dbt's ``postgres`` target (``dbt_project/profiles.yml``).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingestion.contracts import ENTITIES
from ingestion.settings import Settings
from ingestion.warehouse import warehouse_lock

BATCH_ROWS = 200_000  # rows per Arrow batch, i.e. per in-memory CSV chunk sent to COPY

_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
_SCALAR_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "HUGEINT": "numeric(38, 0)",
    "UBIGINT": "numeric(20, 0)",
    "UINTEGER": "bigint",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "JSON": "jsonb",
    "UUID": "uuid",
    "BLOB": "bytea",
}


@dataclass(frozen=True)
class Column:
    """A column to copy: its name, PostgreSQL type and the DuckDB expression that yields its CSV text."""

    name: str
    pg_type: str
    select: str


@dataclass
class CopySummary:
    """What :func:`copy_to_postgres` copied: rows per table (schema-qualified), and the time it took."""

    database: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        total = sum(self.rows.values())
        lines = [
            f"copied {total:,} rows in {len(self.rows)} tables to PostgreSQL {self.database} in {self.seconds:.1f} s"
        ]
        return lines + [f"  {table}: {count:,}" for table, count in self.rows.items()]


def pg_connect_kwargs(dbname: str | None = None) -> dict[str, Any]:
    """psycopg2 connection settings from the ``ASCWH_PG_*`` variables (dbt's postgres target reads the same)."""
    return {
        "host": os.environ.get("ASCWH_PG_HOST", "127.0.0.1"),
        "port": int(os.environ.get("ASCWH_PG_PORT", "5432")),
        "user": os.environ.get("ASCWH_PG_USER", "postgres"),
        "password": os.environ.get("ASCWH_PG_PASSWORD", ""),
        "dbname": dbname or os.environ.get("ASCWH_PG_DATABASE", "ascwh"),
    }


def _ident(name: str) -> str:
    """A double-quoted SQL identifier (the same quoting in DuckDB and PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'


def pg_type(duckdb_type: str) -> str:
    """The PostgreSQL type for a DuckDB column type (raises on a type the raw layer does not use)."""
    kind = duckdb_type.upper()
    if kind.endswith("[]"):
        return pg_type(kind[:-2]) + "[]"
    if match := _DECIMAL.fullmatch(kind):
        return f"numeric({match.group(1)}, {match.group(2)})"
    if kind in _SCALAR_TYPES:
        return _SCALAR_TYPES[kind]
    raise ValueError(f"no PostgreSQL type for DuckDB type {duckdb_type}")


def _select_expression(name: str, duckdb_type: str) -> str:
    """DuckDB expression giving the column in a form PostgreSQL's CSV COPY reads."""
    column = _ident(name)
    kind = duckdb_type.upper()
    if kind.endswith("[]"):  # a PostgreSQL array literal: {"a","b"}, elements quoted and escaped
        element = r"""'"' || replace(replace(cast(x as varchar), '\', '\\'), '"', '\"') || '"'"""
        elements = f"array_to_string(list_transform({column}, lambda x: {element}), ',')"
        return f"case when {column} is null then null else '{{' || {elements} || '}}' end"
    if kind == "JSON":
        return f"cast({column} as varchar)"
    return column


def columns_of(conn: Any, relation: str) -> list[Column]:
    """The columns of a DuckDB table or view, with their PostgreSQL types."""
    described = conn.execute(f"describe {relation}").fetchall()
    return [Column(name, pg_type(kind), _select_expression(name, kind)) for name, kind, *_ in described]


def copy_sources(conn: Any) -> list[tuple[str, str]]:
    """(DuckDB relation, PostgreSQL table) pairs to copy: the raw entities' rows in force, and ingest.*."""
    pairs = [(f"raw.{_ident(e.table + '_current')}", f"raw.{_ident(e.table + '_current')}") for e in ENTITIES]
    ingest = conn.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'ingest' and table_type = 'BASE TABLE' order by table_name"
    ).fetchall()
    pairs += [(f"ingest.{_ident(name)}", f"ingest.{_ident(name)}") for (name,) in ingest]
    return pairs


def _csv_chunks(conn: Any, relation: str, columns: list[Column]) -> Iterator[bytes]:
    """The relation's rows as CSV text, one chunk per Arrow record batch (null: empty field; '': quoted)."""
    import pyarrow.csv as pa_csv

    query = f"select {', '.join(c.select + ' as ' + _ident(c.name) for c in columns)} from {relation}"
    reader = conn.sql(query).to_arrow_reader(BATCH_ROWS)
    options = pa_csv.WriteOptions(include_header=False)
    for batch in reader:
        if batch.num_rows:
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, options)
            yield buffer.getvalue()


def _existing_columns(cursor: Any, schema: str, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
        "join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relname = %s and a.attnum > 0 and not a.attisdropped order by a.attnum",
        (schema, table),
    )
    return [(name, kind) for name, kind in cursor.fetchall()]


def _normal(pg: str) -> str:
    """A PostgreSQL type as format_type() spells it, to compare a wanted type with an existing one."""
    return {
        "text": "text",
        "timestamptz": "timestamp with time zone",
        "timestamp": "timestamp without time zone",
        "time": "time without time zone",
    }.get(pg, pg.replace(", ", ","))


def _prepare_table(cursor: Any, qualified: str, columns: list[Column]) -> None:
    """Make ``qualified`` an empty table with exactly ``columns``: truncate it if it matches, else recreate it."""
    schema, table = (part.strip('"').replace('""', '"') for part in qualified.split(".", 1))
    wanted = [(c.name, _normal(c.pg_type)) for c in columns]
    existing = [(name, _normal(kind)) for name, kind in _existing_columns(cursor, schema, table)]
    cursor.execute(f"create schema if not exists {_ident(schema)}")
    if existing == wanted:
        cursor.execute(f"truncate table {qualified}")
        return
    if existing:
        cursor.execute(f"drop table {qualified} cascade")
    body = ", ".join(f"{_ident(c.name)} {c.pg_type}" for c in columns)
    cursor.execute(f"create table {qualified} ({body})")


class _ChunkStream(io.RawIOBase):
    """A readable file over CSV chunks, for psycopg2's copy_expert (reads as COPY asks, no whole-table buffer)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def copy_to_postgres(warehouse: Path, dbname: str | None = None, timeout: float = 600.0) -> CopySummary:
    """Copy the raw layer's rows in force and ``ingest.*`` from the DuckDB ``warehouse`` to PostgreSQL.

    ``dbname`` defaults to ``ASCWH_PG_DATABASE`` (``ascwh``); the database must exist. Holds the warehouse's
    writer lock while reading (no ingest writes meanwhile); writes every table in one PostgreSQL transaction."""
    import duckdb
    import psycopg2

    started = time.monotonic()
    settings = pg_connect_kwargs(dbname)
    summary = CopySummary(database=str(settings["dbname"]))
    with warehouse_lock(warehouse, timeout):
        source = duckdb.connect(str(warehouse), read_only=True)
        target = psycopg2.connect(**settings)
        try:
            source.execute("set TimeZone = 'UTC'")
            with target, target.cursor() as cursor:  # one transaction: commit on success, rollback on error
                cursor.execute("set local time zone 'UTC'")
                for relation, table in copy_sources(source):
                    columns = columns_of(source, relation)
                    _prepare_table(cursor, table, columns)
                    names = ", ".join(_ident(c.name) for c in columns)
                    stream = io.BufferedReader(_ChunkStream(_csv_chunks(source, relation, columns)), 1 << 20)
                    cursor.copy_expert(f"copy {table} ({names}) from stdin with (format csv)", stream)
                    summary.rows[table.replace('"', "")] = cursor.rowcount
        finally:
            target.close()
            source.close()
    summary.seconds = time.monotonic() - started
    return summary


def create_database(dbname: str, drop_first: bool = False) -> None:
    """Create the PostgreSQL database ``dbname`` (connecting to the ``postgres`` database to do it)."""
    import psycopg2

    conn = psycopg2.connect(**pg_connect_kwargs("postgres"))
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            if drop_first:
                cursor.execute(f"drop database if exists {_ident(dbname)} with (force)")
            cursor.execute(f"create database {_ident(dbname)}")
    finally:
        conn.close()


def drop_database(dbname: str) -> None:
    """Drop the PostgreSQL database ``dbname`` if it exists (closing its connections)."""
    import psycopg2

    conn = psycopg2.connect(**pg_connect_kwargs("postgres"))
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f"drop database if exists {_ident(dbname)} with (force)")
    finally:
        conn.close()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ingestion.postgres_copy``: copy the warehouse of ``ASCWH_WAREHOUSE`` to ``ASCWH_PG_DATABASE``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None, help="the DuckDB file (default: ASCWH_WAREHOUSE)")
    parser.add_argument("--database", default=None, help="PostgreSQL database (default: ASCWH_PG_DATABASE or ascwh)")
    parser.add_argument("--create", action="store_true", help="create the database first (drop it if it exists)")
    args = parser.parse_args(argv)
    warehouse = args.warehouse or Settings.from_env().warehouse
    if args.create:
        create_database(args.database or pg_connect_kwargs()["dbname"], drop_first=True)
    print("\n".join(copy_to_postgres(warehouse, args.database).lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
