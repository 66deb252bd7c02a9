"""The DuckDB warehouse: the raw layer's tables, the ingestion metadata, and one writer at a time.

Schemas:
- ``raw``: one table per feed entity (``raw.<feed>__<entity>``), typed, with lineage columns, and a view
  ``raw.<feed>__<entity>_current`` holding only rows of deliveries that are still in force (not superseded).
- ``ingest``: the manifest of deliveries, rejected rows, field flags, schema drift, quarantine, and the
  Great Expectations validation results.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ingestion.contracts import ENTITIES, Entity
from ingestion.normalise import sql_type

LINEAGE = (
    ("_batch_id", "VARCHAR NOT NULL"),
    ("_file_name", "VARCHAR NOT NULL"),
    ("_extract_date", "DATE NOT NULL"),
    ("_source_row", "BIGINT NOT NULL"),
    ("_loaded_at", "TIMESTAMP NOT NULL"),
    ("_row_hash", "VARCHAR NOT NULL"),
    ("_extra", "JSON"),
)

INGEST_DDL = """
CREATE SCHEMA IF NOT EXISTS ingest;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS ingest.deliveries (
    delivery_id VARCHAR PRIMARY KEY,
    feed VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    extract_date DATE,
    status VARCHAR NOT NULL,          -- loaded | ignored | quarantined | superseded | replaced
    encoding VARCHAR,
    archive_path VARCHAR NOT NULL,
    duplicate_of VARCHAR,
    supersedes VARCHAR,
    superseded_by VARCHAR,
    released BOOLEAN NOT NULL DEFAULT false,
    rows_read BIGINT NOT NULL DEFAULT 0,
    rows_new BIGINT NOT NULL DEFAULT 0,
    rows_loaded BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    fields_flagged BIGINT NOT NULL DEFAULT 0,
    reason VARCHAR,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP             -- the file's arrival (its modification time); null before it was recorded
);
CREATE TABLE IF NOT EXISTS ingest.delivery_entities (
    delivery_id VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    extract_date DATE,
    rows_read BIGINT NOT NULL,
    rows_new BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    fields_flagged BIGINT NOT NULL,
    PRIMARY KEY (delivery_id, entity)
);
CREATE TABLE IF NOT EXISTS ingest.rejected_rows (
    delivery_id VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    record_key VARCHAR,
    rules VARCHAR NOT NULL,           -- rule(column): fault; several joined by '; '
    row_hash VARCHAR NOT NULL,
    record JSON NOT NULL              -- the row as delivered (text)
);
CREATE TABLE IF NOT EXISTS ingest.field_flags (
    delivery_id VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    record_key VARCHAR,
    column_name VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    fault VARCHAR NOT NULL,
    raw_value VARCHAR
);
CREATE TABLE IF NOT EXISTS ingest.schema_drift (
    delivery_id VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ingest.quarantine (
    delivery_id VARCHAR PRIMARY KEY,
    feed VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    rules VARCHAR NOT NULL,
    report_path VARCHAR NOT NULL,
    quarantined_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS ingest.gate_validations (
    validation_id VARCHAR PRIMARY KEY,
    suite VARCHAR NOT NULL,
    feed VARCHAR NOT NULL,
    delivery_ids VARCHAR[] NOT NULL,
    run_at TIMESTAMP NOT NULL,
    success BOOLEAN NOT NULL,
    evaluated BIGINT NOT NULL,
    result JSON NOT NULL              -- GX's result JSON without per-row lists
);
CREATE TABLE IF NOT EXISTS ingest.gate_results (
    validation_id VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    expectation VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    success BOOLEAN NOT NULL,
    element_count BIGINT NOT NULL,
    unexpected_count BIGINT NOT NULL
);
"""


# columns added since the first release: a warehouse created before them gets them when it is opened
INGEST_MIGRATIONS = ("ALTER TABLE ingest.deliveries ADD COLUMN IF NOT EXISTS received_at TIMESTAMP;",)


def raw_ddl(entity: Entity) -> str:
    columns = [f"{name} {kind}" for name, kind in LINEAGE]
    columns += [f"{col.raw_name} {sql_type(col)}" for col in entity.columns]
    table = f"raw.{entity.table}"
    return (
        f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)});\n"
        f"CREATE OR REPLACE VIEW {table}_current AS SELECT r.* FROM {table} AS r "
        f"WHERE r._batch_id IN (SELECT delivery_id FROM ingest.deliveries WHERE status = 'loaded');\n"
    )


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the schemas, tables and views if they do not exist."""
    conn.execute(INGEST_DDL)
    for migration in INGEST_MIGRATIONS:
        conn.execute(migration)
    for entity in ENTITIES:
        conn.execute(raw_ddl(entity))


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse for writing."""


def lock_path(path: Path) -> Path:
    """The lock file every writer of the warehouse ``path`` holds: ``<path>.lock`` beside it."""
    return path.with_suffix(path.suffix + ".lock")


# lock files this thread holds: path -> depth; a nested warehouse_lock of the same warehouse in the same
# thread (the dbt build around the linkage step, which opens the warehouse itself) re-enters
_held = threading.local()


@contextmanager
def warehouse_lock(path: Path, timeout: float = 600.0) -> Iterator[None]:
    """Hold the warehouse's writer lock (an exclusive ``flock`` of ``<path>.lock``): one writer at a time.

    Every process that writes the DuckDB file holds it: ingestion (:func:`open_warehouse`), the dbt build
    (``ingestion.dbt_build``) and the linkage step. Waits up to ``timeout`` seconds, then raises
    :class:`WarehouseBusy`. Re-entrant within a thread: an inner hold of a lock the thread already holds
    does not wait for itself (another thread of the process waits like another process).
    """
    key = lock_path(Path(path).absolute())
    depths: dict[Path, int] = _held.__dict__.setdefault("depths", {})
    if depths.get(key):
        depths[key] += 1
        try:
            yield
        finally:
            depths[key] -= 1
        return
    key.parent.mkdir(parents=True, exist_ok=True)
    with open(key, "w") as lock:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(f"{path} is being written by another process") from None
                time.sleep(0.2)
        depths[key] = 1
        try:
            yield
        finally:
            depths.pop(key, None)
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def open_warehouse(path: Path, timeout: float = 600.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, held by one writer at a time (:func:`warehouse_lock`)."""
    with warehouse_lock(path, timeout):
        conn = duckdb.connect(str(path))
        try:
            conn.execute("SET TimeZone = 'UTC'")
            ensure_schema(conn)
            yield conn
        finally:
            conn.close()
