"""Land a feed's pending deliveries: manifest, archive, gates, and one transaction into the raw layer.

For each batch of files (in extract-date order, bounded in bytes):
1. record each file: skip an identical re-delivery, treat a same-name different-bytes file as a correction,
   keep the original bytes in the archive;
2. read it with the feed's contract (readers) and gate it as a delivery (the ``deliveries`` suite):
   structural failures quarantine it, with a readable report;
3. normalise its rows (SQL) and gate them (the entity's suite): rejected rows go to
   ``ingest.rejected_rows`` with the rules they broke, flagged fields to ``ingest.field_flags``;
4. write everything in one DuckDB transaction, then remove the files from the landing folder.
A failure at any point rolls the transaction back: the warehouse is as it was, and a re-run does the same
work again. Delivery ids are derived from the bytes, so re-running the same deliveries gives the same tables.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from statistics import median

import duckdb
import pandas as pd
import pyarrow as pa

from ingestion.contracts import Entity, entities_for_file, entities_of
from ingestion.gates import DELIVERIES, Check, Gatekeeper, GateResult, suite_columns
from ingestion.normalise import EXTRACT_DATE, STATUS, normalise_sql
from ingestion.readers import EXTRA, Parsed, read_delivery
from ingestion.report import FeedReport
from ingestion.settings import Settings
from ingestion.warehouse import open_warehouse

log = logging.getLogger(__name__)

BATCH_BYTES = int(os.environ.get("ASCWH_BATCH_BYTES", 256 * 2**20))  # files per transaction, by size
INCOMPLETE_SUFFIXES = (".tmp", ".part", ".partial", ".filepart")
FLAG_SCHEMA = pa.schema(
    [("_row_id", pa.int64()), ("column_name", pa.string()), ("rule", pa.string()), ("fault", pa.string())]
)
COUNTS = ("rows_read", "rows_new", "rows_loaded", "rows_rejected", "fields_flagged")  # per delivery and entity
VOLUME_HISTORY = 14  # deliveries of an entity the recent range is taken from
VOLUME_MIN_HISTORY = 7
VOLUME_MIN_MEDIAN = 20
VOLUME_FACTOR = 10  # outside [median / 10, median * 10] is far outside the recent range


@dataclass
class Delivery:
    """One delivered file on its way through the pipeline."""

    feed: str
    path: Path
    data: bytes
    sha256: str
    entities: tuple[Entity, ...]
    extract_date: date | None
    delivery_id: str = ""
    status: str = "pending"
    duplicate_of: str | None = None
    supersedes: str | None = None
    released: bool = False
    parsed: list[Parsed] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why it was quarantined, readable
    rules: list[str] = field(default_factory=list)  # the quarantine rules it broke
    archive_path: str = ""
    started_at: datetime = field(default_factory=datetime.now)
    received_at: datetime | None = None  # when the sender completed the file: its modification time

    @property
    def file_name(self) -> str:
        return self.path.name


def extract_date_of(feed: str, file_name: str) -> date | None:
    entities = entities_for_file(feed, file_name)
    return entities[0].extract_date(file_name) if entities else None


def pending_files(feed: str, settings: Settings) -> list[Path]:
    """Complete files waiting in the feed's landing folder, in extract-date order."""
    folder = settings.landing / feed
    if not folder.is_dir():
        return []
    files = [
        path
        for path in folder.iterdir()
        if path.is_file() and not path.name.startswith(".") and not path.name.endswith(INCOMPLETE_SUFFIXES)
    ]
    return sorted(files, key=lambda p: (extract_date_of(feed, p.name) or date.max, p.name))


def _batches(paths: list[Path]) -> Iterable[list[Path]]:
    batch: list[Path] = []
    size = 0
    for path in paths:
        batch.append(path)
        size += path.stat().st_size
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _digest(*parts: object) -> str:
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()[:16]


def _archive(settings: Settings, delivery: Delivery) -> str:
    """Keep the delivered bytes, write-once, under the feed and their sha256."""
    target = settings.archive / delivery.feed / delivery.sha256[:2] / delivery.sha256 / delivery.file_name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(delivery.data)
        os.replace(partial, target)
        target.chmod(0o444)
    return str(target)


def _manifest(conn: duckdb.DuckDBPyConnection, feed: str) -> dict[str, list[tuple]]:
    """The feed's deliveries so far, by file name: (delivery_id, sha256, status, released), oldest first."""
    earlier: dict[str, list[tuple]] = {}
    for name, *row in conn.execute(
        "SELECT file_name, delivery_id, sha256, status, released FROM ingest.deliveries WHERE feed = ? "
        "ORDER BY started_at",
        [feed],
    ).fetchall():
        earlier.setdefault(name, []).append(tuple(row))
    return earlier


def _register(earlier: list[tuple], delivery: Delivery) -> None:
    """Decide from the file's earlier deliveries whether it is new, a duplicate, a correction or a release."""
    same = [row for row in earlier if row[1] == delivery.sha256]
    delivery.delivery_id = _digest(delivery.feed, delivery.file_name, delivery.sha256, len(same))
    released = [row for row in same if row[2] == "quarantined" and row[3]]
    if released:
        delivery.released = True
        delivery.supersedes = released[-1][0]
    elif same:
        delivery.status = "ignored"
        delivery.duplicate_of = same[0][0]
        return
    in_force = [row for row in earlier if row[2] in ("loaded", "quarantined") and row[1] != delivery.sha256]
    if in_force:
        delivery.supersedes = in_force[-1][0]


def _quarantine(delivery: Delivery, rule: str, reason: str) -> None:
    delivery.status = "quarantined"
    if rule not in delivery.rules:
        delivery.rules.append(rule)
    delivery.reasons.append(reason)


def _recent_rows(conn: duckdb.DuckDBPyConnection, entity: Entity) -> list[int]:
    rows = conn.execute(
        "SELECT e.rows_read FROM ingest.delivery_entities e JOIN ingest.deliveries d USING (delivery_id) "
        "WHERE e.entity = ? AND d.status = 'loaded' ORDER BY e.extract_date DESC, d.started_at DESC LIMIT ?",
        [entity.table, VOLUME_HISTORY],
    ).fetchall()
    return [r[0] for r in reversed(rows)]


def _file_checks(parsed: Parsed, history: list[int], waive_volume: bool) -> dict[str, str]:
    """The delivery-level facts the ``deliveries`` suite checks, as statuses."""
    checks = {"readable": "ok", "columns": "ok", "sheet": "ok", "rows": "ok", "volume": "ok"}
    if parsed.parse_error:
        checks["readable"] = "unreadable"
        return checks
    if not parsed.sheet_found:
        checks["sheet"] = "missing"
        return checks
    if parsed.missing_columns:
        checks["columns"] = "missing"
        return checks
    usual = median(history) if history else 0
    if parsed.data_rows == 0 and parsed.entity.rows_expected and usual >= VOLUME_MIN_MEDIAN:
        checks["rows"] = "header_only"
    elif not waive_volume and len(history) >= VOLUME_MIN_HISTORY and usual >= VOLUME_MIN_MEDIAN:
        if parsed.data_rows * VOLUME_FACTOR < usual:
            checks["volume"] = "too_few"
        elif parsed.data_rows > usual * VOLUME_FACTOR:
            checks["volume"] = "too_many"
    return checks


def _reason(parsed: Parsed, check: str, status: str, history: list[int]) -> str:
    """A readable reason, naming columns and counts but never a value from the file."""
    entity = f"{parsed.entity.name}" + (f" (sheet {parsed.entity.sheet})" if parsed.entity.sheet else "")
    if check == "readable":
        return f"{entity}: the file cannot be read: {parsed.parse_error}"
    if check == "sheet":
        return f"{entity}: no sheet named {parsed.entity.sheet} or a known alias"
    if check == "columns":
        seen = ", ".join(parsed.unknown_columns) or "none"
        return (
            f"{entity}: required column(s) missing or renamed beyond the known aliases: "
            f"{', '.join(parsed.missing_columns)} (unrecognised headers: {seen})"
        )
    if check == "rows":
        return f"{entity}: only a header, where the last deliveries had a median of {median(history):.0f} rows"
    return (
        f"{entity}: {parsed.data_rows} rows, far outside the recent range "
        f"(median {median(history):.0f} over the last {len(history)} deliveries): {status.replace('_', ' ')}"
    )


class FeedLoader:
    """Lands batches of one feed's files into an open warehouse."""

    def __init__(self, feed: str, settings: Settings, conn: duckdb.DuckDBPyConnection):
        self.feed = feed
        self.settings = settings
        self.conn = conn
        self.report = FeedReport(feed)

    # -- delivery level -------------------------------------------------------------------------------
    def _read(self, path: Path) -> Delivery:
        data = path.read_bytes()
        entities = entities_for_file(self.feed, path.name)
        delivery = Delivery(
            feed=self.feed,
            path=path,
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            entities=entities,
            extract_date=entities[0].extract_date(path.name) if entities else None,
            received_at=datetime.fromtimestamp(path.stat().st_mtime),  # naive local time, like started_at
        )
        _register(self.manifest.get(path.name, []), delivery)
        delivery.archive_path = _archive(self.settings, delivery)
        if delivery.status == "ignored":
            return delivery
        if not entities:
            _quarantine(delivery, "unknown_file", "the file name matches none of this feed's files")
            return delivery
        delivery.parsed = read_delivery(entities, path.name, data)
        return delivery

    def _gate_deliveries(self, deliveries: list[Delivery], validations: list) -> None:
        """Run the ``deliveries`` suite over every entity of every readable file in the batch."""
        rows: list[dict[str, object]] = []
        owners: list[tuple[Delivery, Parsed, list[int]]] = []
        recent: dict[str, list[int]] = {}
        for delivery in deliveries:
            if delivery.status != "pending":
                continue
            for parsed in delivery.parsed:
                table = parsed.entity.table
                if table not in recent:
                    recent[table] = _recent_rows(self.conn, parsed.entity)
                history = recent[table][-VOLUME_HISTORY:]
                rows.append(_file_checks(parsed, history, delivery.released))
                owners.append((delivery, parsed, list(history)))
                recent[table].append(parsed.data_rows)
        if not rows:
            return
        frame = pd.DataFrame(rows).astype("category")
        result = gatekeeper().validate(DELIVERIES, frame)
        validations.append((result, [d.delivery_id for d, _p, _h in owners]))
        for check in result.checks:
            for position, status in zip(check.rows, check.values, strict=True):
                delivery, parsed, history = owners[int(position)]
                _quarantine(delivery, check.rule, _reason(parsed, check.column, str(status), history))
        for delivery, _parsed, _history in owners:
            if delivery.status != "quarantined":
                delivery.status = "accepted"

    # -- row level ------------------------------------------------------------------------------------
    def _source_table(self, entity: Entity, accepted: list[tuple[int, Delivery, Parsed]]) -> pa.Table:
        parts = []
        offset = 0
        for index, delivery, parsed in accepted:
            table = parsed.table
            assert table is not None
            n = table.num_rows
            table = table.append_column("_row_id", pa.array(range(offset, offset + n), pa.int64()))
            table = table.append_column("_file_idx", pa.array([index] * n, pa.int32()))
            table = table.append_column(EXTRACT_DATE, pa.array([delivery.extract_date] * n, pa.date32()))
            parts.append(table)
            offset += n
        return pa.concat_tables(parts)

    def _load_entity(
        self, entity: Entity, accepted: list[tuple[int, Delivery, Parsed]], validations: list, now: datetime
    ) -> dict[int, dict[str, int]]:
        """Normalise, gate and write one entity's rows from the batch's accepted files."""
        conn = self.conn
        conn.register("src", self._source_table(entity, accepted))
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE row_hashes AS "
            f"SELECT _row_id, _file_idx, {row_hash_sql(entity)} AS _row_hash FROM src"
        )
        if entity.changes_only:
            # a restated, unchanged row of a snapshot was gated and stored the first time it came
            conn.execute(
                f"""CREATE OR REPLACE TEMP TABLE row_hashes AS
                SELECT * FROM row_hashes h
                WHERE h._row_hash NOT IN (SELECT _row_hash FROM raw.{entity.table}_current)
                  AND h._row_hash NOT IN (
                      SELECT r.row_hash FROM ingest.rejected_rows r JOIN ingest.deliveries d USING (delivery_id)
                      WHERE r.entity = '{entity.table}' AND d.status = 'loaded')
                QUALIFY _file_idx = min(_file_idx) OVER (PARTITION BY _row_hash)"""
            )
            source = "(SELECT * FROM src WHERE _row_id IN (SELECT _row_id FROM row_hashes))"
        else:
            source = "src"
        conn.execute(f"CREATE OR REPLACE TEMP TABLE norm AS {normalise_sql(entity, source)}")
        columns = suite_columns(entity.table)
        frame = conn.execute(f"SELECT _row_id, {', '.join(columns)} FROM norm ORDER BY _row_id").df()
        frame = frame.set_index("_row_id").rename_axis(None)
        categorical = [c for c in columns if c.endswith(STATUS) or (entity.key and c == _key(entity))]
        frame = frame.astype(dict.fromkeys(categorical, "category"))
        checks: list[Check] = []
        if len(frame):  # a snapshot restating only rows already gated has nothing new to validate
            result = gatekeeper().validate(entity.table, frame)
            validations.append((result, [d.delivery_id for _i, d, _p in accepted]))
            checks = result.checks
        rejected, flags = _decisions(entity, checks)
        conn.register("rejected_ids", rejected)
        conn.register("flag_ids", flags)
        key = _key(entity) or "NULL"
        src_key = f'"{entity.key}"' if entity.key else "NULL"
        record = "json_object(" + ", ".join(f"'{c.name}', \"{c.name}\"" for c in entity.columns) + ")"
        conn.execute(
            f"""INSERT INTO ingest.rejected_rows
            SELECT f.delivery_id, '{entity.table}', f.file_name, s._source_row, nullif(trim({src_key}), ''),
                   r.rules, h._row_hash, {record}
            FROM rejected_ids r JOIN src s USING (_row_id) JOIN row_hashes h USING (_row_id)
            JOIN batch_files f ON f.idx = s._file_idx"""
        )
        raw_cols = [col.raw_name for col in entity.columns]
        conn.execute(
            f"""INSERT INTO raw.{entity.table}
            SELECT f.delivery_id, f.file_name, n.{EXTRACT_DATE}, n._source_row, ?, h._row_hash, n._extra,
                   {", ".join("n." + c for c in raw_cols)}
            FROM norm n JOIN row_hashes h USING (_row_id) JOIN batch_files f ON f.idx = n._file_idx
            WHERE n._row_id NOT IN (SELECT _row_id FROM rejected_ids)
            ORDER BY n._row_id""",
            [now],
        )
        raw_value = (
            "CASE fl.column_name " + " ".join(f"WHEN '{c.name}' THEN s.\"{c.name}\"" for c in entity.columns) + " END"
        )
        conn.execute(
            f"""INSERT INTO ingest.field_flags
            SELECT f.delivery_id, '{entity.table}', s._source_row, n.{key}, fl.column_name, fl.rule, fl.fault,
                   {raw_value}
            FROM flag_ids fl JOIN src s USING (_row_id) JOIN norm n USING (_row_id)
            JOIN batch_files f ON f.idx = s._file_idx"""
        )
        counts = conn.execute(
            """SELECT s._file_idx, count(*), count(r._row_id), coalesce(sum(fl.n), 0)
            FROM row_hashes s LEFT JOIN rejected_ids r USING (_row_id)
            LEFT JOIN (SELECT _row_id, count(*) AS n FROM flag_ids GROUP BY _row_id) fl
                   ON fl._row_id = s._row_id
            GROUP BY s._file_idx"""
        ).fetchall()
        for name in ("src", "rejected_ids", "flag_ids"):
            conn.unregister(name)
        return {idx: {"new": new, "rejected": rej, "flagged": fl} for idx, new, rej, fl in counts}

    # -- the batch ------------------------------------------------------------------------------------
    def load_batch(self, paths: list[Path]) -> None:
        conn = self.conn
        self.manifest = _manifest(conn, self.feed)
        deliveries = [self._read(path) for path in paths]
        validations: list[tuple[GateResult, list[str]]] = []
        self._gate_deliveries(deliveries, validations)
        now = datetime.now()
        conn.execute("BEGIN TRANSACTION")
        try:
            self._supersede(deliveries)
            files = pa.table(
                {
                    "idx": pa.array(range(len(deliveries)), pa.int32()),
                    "delivery_id": [d.delivery_id for d in deliveries],
                    "file_name": [d.file_name for d in deliveries],
                }
            )
            conn.register("batch_files", files)
            per_entity: dict[tuple[int, str], dict[str, int]] = {}
            for entity in entities_of(self.feed):
                accepted = [
                    (i, d, p)
                    for i, d in enumerate(deliveries)
                    if d.status == "accepted"
                    for p in d.parsed
                    if p.entity == entity
                ]
                if accepted:
                    counts = self._load_entity(entity, accepted, validations, now)
                    for idx, _d, _p in accepted:
                        per_entity[(idx, entity.table)] = counts.get(idx, {"new": 0, "rejected": 0, "flagged": 0})
            self._record(deliveries, per_entity, validations, now)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.unregister("batch_files")
        for delivery in deliveries:
            delivery.path.unlink(missing_ok=True)

    def _supersede(self, deliveries: list[Delivery]) -> None:
        """Take the deliveries that corrected re-sends replace out of force, before their rows are compared:
        a snapshot's correction then loads every row it carries, those the original had too."""
        for delivery in deliveries:
            if delivery.status == "accepted" and delivery.supersedes:
                previous = self.conn.execute(
                    "UPDATE ingest.deliveries SET status = CASE WHEN status = 'loaded' THEN 'superseded' "
                    "ELSE 'replaced' END, superseded_by = ? WHERE delivery_id = ? RETURNING status",
                    [delivery.delivery_id, delivery.supersedes],
                ).fetchall()
                self.report.files_superseded += sum(1 for (s,) in previous if s == "superseded")

    def _record(self, deliveries: list[Delivery], per_entity: dict, validations: list, now: datetime) -> None:
        """Write the batch's manifest: deliveries, their entities, schema drift, quarantine, gate results."""
        conn = self.conn
        report = self.report
        rows: dict[str, list[dict]] = {"deliveries": [], "delivery_entities": [], "schema_drift": [], "quarantine": []}
        for index, delivery in enumerate(deliveries):
            report.files_seen += 1
            status = "loaded" if delivery.status == "accepted" else delivery.status
            totals = Counter()
            for parsed in delivery.parsed if status == "loaded" else []:
                counts = per_entity[(index, parsed.entity.table)]
                entity_row = {
                    "delivery_id": delivery.delivery_id,
                    "entity": parsed.entity.table,
                    "extract_date": delivery.extract_date,
                    "rows_read": parsed.data_rows,
                    "rows_new": counts["new"],
                    "rows_loaded": counts["new"] - counts["rejected"],
                    "rows_rejected": counts["rejected"],
                    "fields_flagged": counts["flagged"],
                }
                rows["delivery_entities"].append(entity_row)
                totals.update({key: entity_row[key] for key in COUNTS})
                for column in parsed.unknown_columns:
                    rows["schema_drift"].append(
                        {"delivery_id": delivery.delivery_id, "entity": parsed.entity.table, "column_name": column}
                    )
                    report.schema_drift.append(f"{delivery.file_name}: {parsed.entity.name}.{column}")
            if status == "quarantined":
                report_path = self._write_quarantine_report(delivery)
                rows["quarantine"].append(
                    {
                        "delivery_id": delivery.delivery_id,
                        "feed": self.feed,
                        "file_name": delivery.file_name,
                        "rules": "; ".join(delivery.rules),
                        "report_path": str(report_path),
                        "quarantined_at": now,
                    }
                )
                report.quarantine_reports.append(str(report_path))
            rows["deliveries"].append(
                {
                    "delivery_id": delivery.delivery_id,
                    "feed": self.feed,
                    "file_name": delivery.file_name,
                    "sha256": delivery.sha256,
                    "size_bytes": len(delivery.data),
                    "extract_date": delivery.extract_date,
                    "status": status,
                    "encoding": _encoding(delivery),
                    "archive_path": delivery.archive_path,
                    "duplicate_of": delivery.duplicate_of,
                    "supersedes": delivery.supersedes,
                    "released": delivery.released,
                    **{key: totals[key] for key in COUNTS},
                    "reason": "; ".join(delivery.reasons) or None,
                    "started_at": delivery.started_at,
                    "finished_at": datetime.now(),
                    "received_at": delivery.received_at,
                }
            )
            report.files_loaded += status == "loaded"
            report.files_ignored += status == "ignored"
            report.files_quarantined += status == "quarantined"
            report.rows_loaded += totals["rows_loaded"]
            report.rows_rejected += totals["rows_rejected"]
            report.fields_flagged += totals["fields_flagged"]
        for table, table_rows in rows.items():
            _insert(conn, f"ingest.{table}", table_rows)
        for result, delivery_ids in validations:
            _store_validation(conn, self.feed, result, delivery_ids, now)

    def _write_quarantine_report(self, delivery: Delivery) -> Path:
        folder = self.settings.quarantine / self.feed
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{delivery.file_name}.{delivery.delivery_id}.md"
        lines = [
            f"# Quarantined: {self.feed}/{delivery.file_name}",
            "",
            f"- delivery id: `{delivery.delivery_id}`",
            f"- sha256: `{delivery.sha256}`, {len(delivery.data)} bytes",
            f"- extract date: {delivery.extract_date or 'unknown'}",
            f"- archived copy: `{delivery.archive_path}`",
            f"- rules broken: {', '.join(delivery.rules)}",
            "",
            "## Why",
            *[f"- {reason}" for reason in delivery.reasons],
            "",
            "## What next",
            "Nothing from this file has been loaded. Ask the sender for a corrected file under the same name",
            "(it supersedes this one), or, if the file is right (a genuine change in volume), release it:",
            f"`ascwh release {delivery.delivery_id}` and run the feed again.",
            "",
        ]
        path.write_text("\n".join(lines), encoding="utf-8")
        return path


def _insert(conn: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Insert rows (dicts by column name) in one statement."""
    if rows:
        conn.register("_new_rows", pa.Table.from_pylist(rows))
        conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _new_rows")
        conn.unregister("_new_rows")


def row_hash_sql(entity: Entity) -> str:
    """The SQL for a row's hash: its delivered text, every contract column and the unknown ones."""
    text = [f'"{col.name}"' for col in entity.columns] + [EXTRA]
    return "md5(concat_ws(chr(31), " + ", ".join(f"coalesce({c}, chr(0))" for c in text) + "))"


def _key(entity: Entity) -> str | None:
    return entity.column(entity.key).raw_name if entity.key else None


def _encoding(delivery: Delivery) -> str | None:
    return next((p.encoding for p in delivery.parsed if p.encoding), None)


def _decisions(entity: Entity, checks: list[Check]) -> tuple[pa.Table, pa.Table]:
    """Rows to reject (with their rules) and fields to flag on the rows that load, from the suite's results."""
    columns = {col.raw_name: col.name for col in entity.columns}
    rules: dict[int, list[str]] = {}
    flags: list[tuple[int, str, str, str]] = []
    for check in checks:
        if check.success:
            continue
        column = check.column.removesuffix(STATUS)
        name = columns.get(column, column)
        values = check.values or [None] * len(check.rows)
        for row, value in zip(check.rows.tolist(), values, strict=True):
            if check.outcome == "reject":
                fault = f": {value}" if value else ""
                rules.setdefault(row, []).append(f"{check.rule}({name}){fault}")
            else:
                flags.append((row, name, check.rule, str(value)))
    flags = [flag for flag in flags if flag[0] not in rules]  # a rejected row's fields are not flagged
    rejected = pa.table({"_row_id": pa.array(list(rules), pa.int64()), "rules": ["; ".join(r) for r in rules.values()]})
    flagged = pa.Table.from_pylist(
        [dict(zip(FLAG_SCHEMA.names, flag, strict=True)) for flag in flags], schema=FLAG_SCHEMA
    )
    return rejected, flagged


def _store_validation(
    conn: duckdb.DuckDBPyConnection, feed: str, result: GateResult, delivery_ids: list[str], now: datetime
) -> None:
    validation_id = _digest(result.suite, *delivery_ids)
    evaluated = max((c.element_count for c in result.checks), default=0)
    conn.execute(
        "INSERT OR REPLACE INTO ingest.gate_validations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            validation_id,
            result.suite,
            feed,
            delivery_ids,
            now,
            result.success,
            evaluated,
            json.dumps(result.result, default=str),
        ],
    )
    conn.execute("DELETE FROM ingest.gate_results WHERE validation_id = ?", [validation_id])
    conn.executemany(
        "INSERT INTO ingest.gate_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                validation_id,
                result.suite,
                c.expectation,
                c.column,
                c.rule,
                c.outcome,
                c.success,
                c.element_count,
                c.unexpected_count,
            ]
            for c in result.checks
        ],
    )


_GATEKEEPER: Gatekeeper | None = None


def gatekeeper() -> Gatekeeper:
    """One Great Expectations context per process (it takes seconds to create)."""
    global _GATEKEEPER
    if _GATEKEEPER is None:
        _GATEKEEPER = Gatekeeper()
    return _GATEKEEPER


def ingest_feed(feed: str, settings: Settings) -> FeedReport:
    """Land every pending file of a feed. Safe to re-run: what was committed is not loaded twice."""
    paths = pending_files(feed, settings)
    with open_warehouse(settings.warehouse) as conn:
        loader = FeedLoader(feed, settings, conn)
        for batch in _batches(paths):
            loader.load_batch(batch)
    log.info(
        "%s: %d files, %d loaded, %d ignored, %d quarantined; %d rows loaded, %d rejected, %d fields flagged",
        feed,
        loader.report.files_seen,
        loader.report.files_loaded,
        loader.report.files_ignored,
        loader.report.files_quarantined,
        loader.report.rows_loaded,
        loader.report.rows_rejected,
        loader.report.fields_flagged,
    )
    return loader.report


def release(delivery_id: str, settings: Settings) -> Path:
    """Release a quarantined delivery: put its archived bytes back in the landing folder (with its arrival time),
    waiving the volume check. Structural faults cannot be released: they need a corrected file from the sender."""
    with open_warehouse(settings.warehouse) as conn:
        row = conn.execute(
            "SELECT feed, file_name, archive_path, status, received_at FROM ingest.deliveries WHERE delivery_id = ?",
            [delivery_id],
        ).fetchone()
        if row is None:
            raise ValueError(f"no delivery {delivery_id}")
        feed, file_name, archive_path, status, received_at = row
        if status != "quarantined":
            raise ValueError(f"delivery {delivery_id} is {status}, not quarantined")
        rules = conn.execute("SELECT rules FROM ingest.quarantine WHERE delivery_id = ?", [delivery_id]).fetchone()
        if rules and set(rules[0].split("; ")) - {"volume", "header_only"}:
            raise ValueError(
                f"delivery {delivery_id} broke {rules[0]}: only volume quarantines can be released; "
                "ask the sender for a corrected file"
            )
        conn.execute("UPDATE ingest.deliveries SET released = true WHERE delivery_id = ?", [delivery_id])
    target = settings.landing / feed / file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(Path(archive_path).read_bytes())
    if received_at is not None:  # the released delivery keeps its arrival time
        arrived = received_at.timestamp()
        os.utime(target, (arrived, arrived))
    return target
