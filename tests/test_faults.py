"""Every row of the specification's fault table, delivered by the simulator and scored against its ground truth.

One simulation (a year at a small scale, every fault at a raised rate) is landed through the pipeline, then
its re-deliveries. Each fault in the ground truth must have the outcome the table gives it; no good row may
be lost and no faulty row or field may be loaded unmarked.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median

import duckdb
import pytest

from ingestion.contracts import ENTITIES, Entity, entities_for_file
from ingestion.faults import FAULTS, Outcome
from ingestion.pipeline import VOLUME_HISTORY, VOLUME_MIN_MEDIAN, ingest_feed, row_hash_sql
from ingestion.readers import SOURCE_ROW, read_delivery
from ingestion.settings import FEEDS, Settings

ENTITY = {(e.feed, e.name): e for e in ENTITIES}
WORKBOOK_FAULTS = ("sheet_missing", "sheet_renamed_alias", "merged_header", "totals_row", "blank_rows")
RAISED = {
    # file-level faults: several of each over a year's ~2,900 files
    **{code: 0.006 for code, (level, _) in FAULTS.items() if level == "file"},
    # the Carers Hub sends twelve workbooks a year: its faults need higher rates to be seen
    **dict.fromkeys(WORKBOOK_FAULTS, 0.25),
    # rows and fields: enough to see each many times
    **{code: 0.005 for code, (level, _) in FAULTS.items() if level == "row"},
    **{code: 0.02 for code, (level, _) in FAULTS.items() if level == "field"},
}
RULE_OF_ROW_FAULT = {
    "end_before_start": "end_before_start",
    "start_after_extract": "start_after_extract",
    "blank_key": "blank_key",
    "unparseable_required_date": "required_date",
    "placeholder_required_date": "required_date",
}
IN_FORCE = ("loaded", "superseded")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Landed:
    truth: Path
    conn: duckdb.DuckDBPyConnection
    history: dict[tuple[str, str], list[tuple[str, str, str]]]  # (feed, file) -> [(status, id, archive)]

    def delivery(self, row: dict[str, str]) -> tuple[str, str, str]:
        """The manifest record of a truth row's delivery: the first, or the re-delivery (the last)."""
        records = self.history[(row["feed"], row["file_name"])]
        assert records, f"{row['file_name']} was never recorded"
        return records[0] if row["delivery"] == "first" else records[-1]

    def faults(self, level: str) -> list[dict[str, str]]:
        rows = [r for r in _read(self.truth / "faults.csv") if r["source_row"] and FAULTS[r["fault"]][0] == level]
        return [r for r in rows if self.delivery(r)[0] in IN_FORCE]


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Landed:
    from ingestion.simulate import DEFAULT_FAULT_RATES, simulate

    home = tmp_path_factory.mktemp("faults")
    out = home / "deliveries"
    rates = {code: RAISED.get(code, rate) for code, rate in DEFAULT_FAULT_RATES.items()}
    simulate(out, scale=0.03, start=date(2023, 4, 1), end=date(2024, 3, 31), seed=7, fault_rates=rates,
             progress=False)  # fmt: skip
    settings = Settings(out, home / "archive", home / "wh.duckdb", home / "quarantine", home / "docs")
    for landing in (out, out / "redeliveries"):
        for feed in FEEDS:
            ingest_feed(feed, replace(settings, landing=landing))
    conn = duckdb.connect(str(settings.warehouse), read_only=True)
    history: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for feed, name, status, delivery_id, archive in conn.execute(
        "SELECT feed, file_name, status, delivery_id, archive_path FROM ingest.deliveries ORDER BY started_at"
    ).fetchall():
        history[(feed, name)].append((status, delivery_id, archive))
    yield Landed(out / "truth", conn, history)
    conn.close()


def test_every_fault_of_the_table_is_delivered(landed: Landed) -> None:
    seen = Counter(row["fault"] for row in _read(landed.truth / "faults.csv"))
    for row in _read(landed.truth / "files.csv"):
        seen.update(code for code in row["faults"].split(";") if code)
    missing = [code for code in FAULTS if not seen[code]]
    assert not missing, f"the simulation delivered no {missing}"


def _usual_rows(landed: Landed) -> dict[tuple[str, str], float]:
    """Per file and entity, the median rows of the entity's previous deliveries, as the volume rule sees them."""
    rows: dict[str, list[int]] = defaultdict(list)
    usual = {}
    for row in _read(landed.truth / "file_entities.csv"):
        if row["delivery"] != "first":
            continue
        previous = rows[row["entity"]][-VOLUME_HISTORY:]
        usual[(row["file_name"], row["entity"])] = median(previous) if previous else 0
        rows[row["entity"]].append(int(row["data_rows"]))
    return usual


def test_file_level_faults_have_their_outcome(landed: Landed) -> None:
    usual = _usual_rows(landed)
    fault_entities = defaultdict(set)
    for fault in _read(landed.truth / "faults.csv"):
        fault_entities[(fault["file_name"], fault["fault"])].add(fault["entity"])

    def quarantines(file_name: str, code: str) -> bool:
        if code == "header_only" or (code == "empty_file" and file_name.endswith(".jsonl")):
            # a statistical rule: a delivery with no rows (JSON Lines: 0 bytes) is a fault only where the
            # entity usually has rows
            return any(usual.get((file_name, e), 0) >= VOLUME_MIN_MEDIAN for e in fault_entities[(file_name, code)])
        return FAULTS[code][1] is Outcome.QUARANTINED

    wrong = []
    for row in _read(landed.truth / "files.csv"):
        status = landed.delivery(row)[0]
        codes = [code for code in row["faults"].split(";") if code]
        if row["delivery"] == "redelivery":
            expected = ("ignored",) if "duplicate_delivery" in codes else ("loaded",)
        elif any(quarantines(row["file_name"], code) for code in codes):
            expected = ("quarantined", "replaced")  # replaced: a corrected re-send came later
        else:
            expected = IN_FORCE
        if status not in expected:
            wrong.append((row["delivery"], row["file_name"], codes, status))
    assert not wrong, wrong[:10]


def test_a_correction_supersedes_the_original(landed: Landed) -> None:
    corrected = [r for r in _read(landed.truth / "files.csv") if "corrected_resend" in r["faults"].split(";")]
    assert corrected
    for row in corrected:
        records = landed.history[(row["feed"], row["file_name"])]
        assert records[-1][0] == "loaded" and records[0][0] in ("superseded", "replaced"), records
        for entity in entities_for_file(row["feed"], row["file_name"]):
            batches = landed.conn.execute(
                f"SELECT DISTINCT _batch_id FROM raw.{entity.table}_current WHERE _file_name = ?", [row["file_name"]]
            ).fetchall()
            assert set(batches) <= {(records[-1][1],)}, (row["file_name"], batches)


def test_windows_1252_files_decode(landed: Landed) -> None:
    files = [r["file_name"] for r in _read(landed.truth / "files.csv") if "windows_1252" in r["faults"].split(";")]
    assert files
    names = landed.conn.execute(
        "SELECT first_name || last_name FROM raw.council__events WHERE _file_name IN (SELECT unnest($n)) "
        "UNION ALL SELECT first_name || last_name FROM raw.council__contacts WHERE _file_name IN (SELECT unnest($n)) "
        "UNION ALL SELECT first_name || last_name FROM raw.safeguarding__concerns "
        "WHERE _file_name IN (SELECT unnest($n))",
        {"n": files},
    ).fetchall()
    text = "".join(n for (n,) in names if n)
    assert any(ord(ch) > 127 for ch in text), "no accented name came through"
    assert "\ufffd" not in text and "Ã" not in text, "a Windows-1252 file was decoded as something else"


def test_schema_drift_is_reported(landed: Landed) -> None:
    drifted = {
        (r["feed"], r["file_name"]) for r in _read(landed.truth / "files.csv")
        if "unknown_column" in r["faults"].split(";") and r["delivery"] == "first"
    }  # fmt: skip
    loaded = {key for key in drifted if landed.history[key][0][0] in IN_FORCE}
    reported = set(
        landed.conn.execute(
            "SELECT d.feed, d.file_name FROM ingest.schema_drift s JOIN ingest.deliveries d USING (delivery_id)"
        ).fetchall()
    )
    assert loaded and loaded <= reported


def _row_hashes(landed: Landed, entity: Entity, archive: str, file_name: str, rows: set[int]) -> dict[int, str]:
    """The pipeline's hash of some delivered rows, read again from the archived file."""
    parsed = next(p for p in read_delivery((entity,), file_name, Path(archive).read_bytes()))
    table = parsed.table
    with duckdb.connect() as conn:
        conn.register("src", table)
        found = conn.execute(f"SELECT {SOURCE_ROW}, {row_hash_sql(entity)} FROM src").fetchall()
    return {r: h for r, h in found if r in rows}


def test_faulty_rows_are_rejected_with_their_rule(landed: Landed) -> None:
    rejected = landed.conn.execute(
        "SELECT delivery_id, source_row, rules, row_hash FROM ingest.rejected_rows"
    ).fetchall()
    by_place = {(d, s): rules for d, s, rules, _h in rejected}
    by_hash = {h: rules for _d, _s, rules, h in rejected}
    faults = [f for f in landed.faults("row") if FAULTS[f["fault"]][1] is Outcome.REJECTED]
    assert len(faults) > 50
    wrong = []
    for fault in faults:
        entity = ENTITY[(fault["feed"], fault["entity"])]
        _status, delivery_id, archive = landed.delivery(fault)
        source_row = int(fault["source_row"])
        rules = by_place.get((delivery_id, source_row))
        if rules is None and entity.changes_only:
            # a snapshot restating a row rejected before: recognised by its hash, not gated twice
            digest = _row_hashes(landed, entity, archive, fault["file_name"], {source_row}).get(source_row)
            rules = by_hash.get(digest)
        if not rules or RULE_OF_ROW_FAULT[fault["fault"]] not in rules:
            wrong.append((fault["file_name"], source_row, fault["fault"], rules))
        loaded = landed.conn.execute(
            f"SELECT count(*) FROM raw.{entity.table} WHERE _batch_id = ? AND _source_row = ?",
            [delivery_id, source_row],
        ).fetchone()[0]
        if loaded:
            wrong.append((fault["file_name"], source_row, fault["fault"], "loaded"))
    assert not wrong, wrong[:10]


def test_faulty_fields_are_flagged_and_their_rows_load(landed: Landed) -> None:
    flags = landed.conn.execute(
        "SELECT delivery_id, entity, source_row, record_key, column_name, raw_value FROM ingest.field_flags"
    ).fetchall()
    by_place = {(d, s, c): v for d, _e, s, _k, c, v in flags}
    by_key = {(e, k, c) for _d, e, _s, k, c, _v in flags}
    rejected = set(landed.conn.execute("SELECT delivery_id, source_row FROM ingest.rejected_rows").fetchall())
    faulty_rows = {(r["file_name"], r["source_row"]) for r in landed.faults("row")
                   if FAULTS[r["fault"]][1] is Outcome.REJECTED}  # fmt: skip
    faults = [
        f for f in landed.faults("field")
        if FAULTS[f["fault"]][1] is Outcome.FLAGGED and (f["file_name"], f["source_row"]) not in faulty_rows
    ]  # fmt: skip
    assert len(faults) > 200
    wrong = []
    for fault in faults:
        entity = ENTITY[(fault["feed"], fault["entity"])]
        _status, delivery_id, _archive = landed.delivery(fault)
        place = (delivery_id, int(fault["source_row"]), fault["column"])
        flagged = place in by_place or (
            entity.changes_only and (entity.table, fault["record_key"], fault["column"]) in by_key
        )
        if not flagged:
            wrong.append((fault["file_name"], fault["source_row"], fault["column"], fault["fault"], "not flagged"))
        elif place in by_place and not _same_value(by_place[place] or "", fault["raw_value"]):
            wrong.append((fault["file_name"], fault["source_row"], fault["column"], "raw value not kept",
                          by_place[place], fault["raw_value"]))  # fmt: skip
        if (delivery_id, int(fault["source_row"])) in rejected:
            wrong.append((fault["file_name"], fault["source_row"], fault["fault"], "row lost"))
    assert not wrong, wrong[:10]


def _as_date(text: str) -> date | None:
    if text.isdigit():  # an Excel serial number
        return date(1899, 12, 30) + timedelta(days=int(text))
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _same_value(delivered: str, truth: str) -> bool:
    """The raw value kept is the one delivered; the truth writes dates in ISO form whatever form the workbook
    cell took (UK text, a serial number or a date cell)."""
    return delivered == truth or (_as_date(delivered) is not None and _as_date(delivered) == _as_date(truth))


def test_no_good_row_is_lost(landed: Landed) -> None:
    """Every good row of every delivery in force is in the raw layer: per delivery exactly for delta feeds, by
    key in the latest snapshot for full-history snapshots (which keep each version of a row once)."""
    wrong = []
    for row in _read(landed.truth / "file_entities.csv"):
        status, delivery_id, _archive = landed.delivery(row)
        if status not in IN_FORCE:
            continue
        entity = ENTITY[(row["feed"], row["entity"])]
        if entity.changes_only:
            continue
        loaded = landed.conn.execute(
            f"SELECT count(*) FROM raw.{entity.table} WHERE _batch_id = ?", [delivery_id]
        ).fetchone()[0]
        if loaded != int(row["good_rows"]):
            wrong.append((row["file_name"], row["entity"], loaded, int(row["good_rows"])))
    assert not wrong, wrong[:10]


def test_snapshot_keys_survive(landed: Landed) -> None:
    """For full-history snapshots, every good key of the last snapshot loaded is in force in raw."""
    faulty = {(r["file_name"], r["record_key"]) for r in landed.faults("row")}
    for entity in (e for e in ENTITIES if e.changes_only):
        file_name, archive = landed.conn.execute(
            "SELECT d.file_name, d.archive_path FROM ingest.deliveries d JOIN ingest.delivery_entities e "
            "USING (delivery_id) WHERE e.entity = ? AND d.status = 'loaded' ORDER BY d.extract_date DESC LIMIT 1",
            [entity.table],
        ).fetchone()
        parsed = next(p for p in read_delivery((entity,), file_name, Path(archive).read_bytes()))
        keys = {k.strip() for k in parsed.table.column(entity.key).to_pylist() if k and k.strip()}
        keys -= {key for name, key in faulty if name == file_name}
        key = entity.column(entity.key).raw_name
        in_force = {
            k for (k,) in landed.conn.execute(f"SELECT DISTINCT {key} FROM raw.{entity.table}_current").fetchall()
        }
        assert keys and not keys - in_force, (entity.table, sorted(keys - in_force)[:5])
