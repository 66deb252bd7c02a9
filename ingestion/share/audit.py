"""The audit of data shares: ``share.deliveries`` in the warehouse, one row per delivery made.

What was sent (every file with its sha256 and size, and the pack's fingerprint), when, to whom (the recipient, the
channel and the destination, never a credential), for which quarter, by which code version. A re-run of a quarter
whose pack has the same fingerprint as the latest delivery to the same place delivers nothing and adds no row; a
changed pack is a new delivery, whose row names the one it supersedes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb

from ingestion.share.writers import SharedFile

AUDIT_DDL = """
CREATE SCHEMA IF NOT EXISTS share;
CREATE TABLE IF NOT EXISTS share.deliveries (
    delivery_id VARCHAR PRIMARY KEY,
    quarter VARCHAR NOT NULL,
    recipient VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,         -- outbox | sftp
    destination VARCHAR NOT NULL,     -- the folder, or sftp://host:port/path (no credentials)
    fingerprint VARCHAR NOT NULL,     -- sha256 over the files' names and sha256, manifest.json left out
    files JSON NOT NULL,              -- [{name, sha256, size_bytes}], manifest.json included
    generated_at TIMESTAMP NOT NULL,  -- when the pack was built (manifest.json)
    delivered_at TIMESTAMP NOT NULL,
    code_version VARCHAR NOT NULL,
    supersedes VARCHAR                -- the previous delivery of the quarter to the same place, if its content differed
);
"""


@dataclass(frozen=True)
class Delivery:
    """One row of ``share.deliveries``."""

    delivery_id: str
    quarter: str
    recipient: str
    channel: str
    destination: str
    fingerprint: str
    files: list[SharedFile]
    generated_at: datetime
    delivered_at: datetime
    code_version: str
    supersedes: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready (the DAG's XCom)."""
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        data["delivered_at"] = self.delivered_at.isoformat()
        return data


COLUMNS = (
    "delivery_id, quarter, recipient, channel, destination, fingerprint, files, generated_at, delivered_at, "
    "code_version, supersedes"
)


def latest_delivery(conn: duckdb.DuckDBPyConnection, quarter: str, recipient: str, destination: str) -> Delivery | None:
    """The latest delivery of ``quarter`` to ``recipient`` at ``destination``, if any."""
    conn.execute(AUDIT_DDL)
    row = conn.execute(
        f"select {COLUMNS} from share.deliveries where quarter = $q and recipient = $r and destination = $d "
        "order by delivered_at desc limit 1",
        {"q": quarter, "r": recipient, "d": destination},
    ).fetchone()
    if row is None:
        return None
    values = dict(zip([c.strip() for c in COLUMNS.split(",")], row, strict=True))
    values["files"] = [SharedFile(**item) for item in json.loads(values["files"])]
    return Delivery(**values)


def record_delivery(conn: duckdb.DuckDBPyConnection, delivery: Delivery) -> None:
    conn.execute(AUDIT_DDL)
    values = asdict(delivery)
    values["files"] = json.dumps(values["files"])
    placeholders = ", ".join(f"${name.strip()}" for name in COLUMNS.split(","))
    conn.execute(f"insert into share.deliveries ({COLUMNS}) values ({placeholders})", values)
