"""Tests of the source-system simulator (``ingestion.simulate``): layout, determinism, scale, faults that are
real in the bytes, consistent truth, and calibration to the published figures."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from ingestion.aliases import COLUMN_ALIASES, SHEET_ALIASES, header_key
from ingestion.faults import FAULTS
from ingestion.simulate import DEFAULT_FAULT_RATES, simulate
from ingestion.simulate import codes as repository_codes
from ingestion.simulate.injector import INHERENT_CODES, UNKNOWN_CODES, normalise_code
from ingestion.simulate.names import BACKGROUND_NAMES, FEMALE_BY_COHORT, MALE_BY_COHORT, SURNAMES_TEXT
from ingestion.simulate.schema import ENTITIES, ETHNICITY_RELEASE1, Entity

SPEC_CODES = Path(__file__).resolve().parents[2] / "shared" / "source-feeds" / "codes"
BOM = b"\xef\xbb\xbf"
ENTITY = {(entity.feed, entity.name): entity for entity in ENTITIES}
FILE_ENTITY = [
    (re.compile(r"council_events_\d{8}\.csv"), "events"),
    (re.compile(r"council_deleted_events_\d{8}\.csv"), "deleted_events"),
    (re.compile(r"council_contacts_\d{8}\.csv"), "contacts"),
    (re.compile(r"council_dols_\d{8}\.csv"), "dols"),
    (re.compile(r"health_referrals_\d{8}\.jsonl"), "referrals"),
    (re.compile(r"health_waiting_list_\d{8}\.jsonl"), "waiting_list"),
    (re.compile(r"safeguarding_concerns_\d{8}\.csv"), "concerns"),
    (re.compile(r"safeguarding_enquiries_\d{8}\.csv"), "enquiries"),
]
# codes the fault-heavy run must show (everything the simulator injects)
INJECTED = set(DEFAULT_FAULT_RATES) | set(INHERENT_CODES)

# rates high enough that four months at a small scale show every code
HEAVY_RATES = {code: rate * (25 if FAULTS[code][0] == "file" else 8) for code, rate in DEFAULT_FAULT_RATES.items()} | {
    "sheet_missing": 0.12,
    "sheet_renamed_alias": 0.6,
    "merged_header": 0.5,
    "blank_rows": 0.9,
    "totals_row": 0.7,
    "uk_date": 0.3,
    "excel_serial_date": 0.1,
}


# ---- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def heavy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four months at scale 0.05 with many faults."""
    out = tmp_path_factory.mktemp("heavy")
    simulate(out, scale=0.05, start=date(2023, 4, 1), end=date(2023, 7, 31), seed=3, fault_rates=HEAVY_RATES,
             progress=False)  # fmt: skip
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A full year at scale 0.2 without faults (the calibration run)."""
    out = tmp_path_factory.mktemp("clean")
    summary = simulate(out, scale=0.2, seed=5, fault_rates=dict.fromkeys(DEFAULT_FAULT_RATES, 0.0), progress=False)
    return out, summary


# ---- reading deliveries ---------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def csv_records(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(decode(path.read_bytes()), newline="")))


def jsonl_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def flat(record: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def truth(out: Path, name: str) -> list[dict[str, str]]:
    with (out / "truth" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def delivered_path(out: Path, row: dict[str, str]) -> Path:
    folder = out / row["feed"] if row["delivery"] == "first" else out / "redeliveries" / row["feed"]
    return folder / row["file_name"]


def file_faults(out: Path) -> dict[tuple[str, str, str], list[dict[str, str]]]:
    """(delivery, feed, file name) -> its faults.csv rows."""
    found: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in truth(out, "faults"):
        found[row["delivery"], row["feed"], row["file_name"]].append(row)
    return found


def column_index(header: list[str], entity: Entity, column: str, renames: dict[str, str]) -> int | None:
    """Where a canonical column is in a delivered header (exactly, by header key, alias or known rename)."""
    keys = [header_key(name) for name in header]
    candidates = [column, *COLUMN_ALIASES.get((entity.feed, entity.name), {}).get(column, ())]
    if column in renames:
        candidates.append(renames[column])
    for candidate in candidates:
        if header_key(candidate) in keys:
            return keys.index(header_key(candidate))
    return None


class Sheet:
    """A workbook sheet as rows of cell values (1-based Excel rows)."""

    def __init__(self, worksheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        self.rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
        self.merged = bool(worksheet.merged_cells.ranges)

    def row(self, number: int) -> list[object]:
        return self.rows[number - 1]


def workbook_sheets(path: Path) -> dict[str, Sheet]:
    book = openpyxl.load_workbook(path)
    return {name: Sheet(book[name]) for name in book.sheetnames}


def sheet_for(sheets: dict[str, Sheet], entity: str) -> Sheet | None:
    names = SHEET_ALIASES[entity]
    return next((sheet for name, sheet in sheets.items() if name in names), None)


def nhs_valid(number: str) -> bool:
    if not re.fullmatch(r"\d{10}", number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:9], range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(number[9])


# ---- layout ---------------------------------------------------------------------------------------------


def test_file_names_cadence_and_columns(clean: tuple[Path, dict]) -> None:
    out, _ = clean
    days = [date(2023, 4, 1) + timedelta(days=offset) for offset in range(366)]
    stamps = {day.strftime("%Y%m%d") for day in days}
    expected = {
        "council": {f"council_{kind}_{stamp}.csv" for kind in ("events", "deleted_events", "contacts", "dols")
                    for stamp in stamps},
        "health": {f"health_{kind}_{stamp}.jsonl" for kind in ("referrals", "waiting_list") for stamp in stamps},
        "safeguarding": {f"safeguarding_{kind}_{stamp}.csv" for kind in ("concerns", "enquiries") for stamp in stamps},
        "carers_hub": {f"carers_hub_return_{month}.xlsx" for month in
                       [f"2023-{m:02d}" for m in range(4, 13)] + ["2024-01", "2024-02", "2024-03"]},
    }  # fmt: skip
    for feed, names in expected.items():
        assert {path.name for path in (out / feed).iterdir()} == names, feed
    assert not (out / "redeliveries").exists() or not any((out / "redeliveries").rglob("*.*"))
    for feed in ("council", "safeguarding"):
        for path in sorted((out / feed).iterdir())[:40]:
            entity = next(name for pattern, name in FILE_ENTITY if pattern.fullmatch(path.name))
            assert tuple(csv_records(path)[0]) == ENTITY[feed, entity].columns, path.name
    for path in sorted((out / "health").iterdir())[:40]:
        entity = next(name for pattern, name in FILE_ENTITY if pattern.fullmatch(path.name))
        for record in jsonl_records(path)[:50]:
            assert tuple(flat(record)) == ENTITY["health", entity].columns, path.name
    sheets = workbook_sheets(out / "carers_hub" / "carers_hub_return_2023-12.xlsx")
    assert list(sheets) == ["Carers", "Assessments", "Support"]
    for name, entity in (("Carers", "carers"), ("Assessments", "assessments"), ("Support", "support")):
        assert tuple(sheets[name].row(1)) == ENTITY["carers_hub", entity].columns


def test_repository_code_lists_match_the_specification() -> None:
    """The repository's copy of the code lists (dbt seeds, read by the simulator and the contracts) is the
    specification's."""
    if not SPEC_CODES.is_dir():
        pytest.skip("shared/source-feeds/codes not present")
    for path in SPEC_CODES.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [tuple(row.values()) for row in csv.DictReader(handle)]
        copied = getattr(repository_codes, path.stem.upper())
        assert [row if len(row) > 1 else row[0] for row in rows] == list(copied), path.name


def test_names_encode_in_windows_1252() -> None:
    texts = [*FEMALE_BY_COHORT.values(), *MALE_BY_COHORT.values(), SURNAMES_TEXT]
    texts += [text for names in BACKGROUND_NAMES.values() for text in names]
    for text in texts:
        text.encode("cp1252")
    assert any(not text.isascii() for text in texts)


# ---- determinism and scale ------------------------------------------------------------------------------


def _digests(out: Path) -> dict[str, str]:
    return {str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*")) if path.is_file()}  # fmt: skip


def _arrivals(out: Path) -> dict[str, int]:
    """Each delivered file's modification time (its arrival), in whole seconds."""
    return {str(path.relative_to(out)): int(path.stat().st_mtime)
            for path in sorted(out.rglob("*")) if path.is_file() and "truth" not in path.parts}  # fmt: skip


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    kwargs = {"scale": 0.02, "start": date(2023, 4, 25), "end": date(2023, 5, 2), "seed": 11, "progress": False}
    simulate(tmp_path / "a", **kwargs)  # type: ignore[arg-type]
    simulate(tmp_path / "b", **kwargs)  # type: ignore[arg-type]
    first, second = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert first == second
    assert _arrivals(tmp_path / "a") == _arrivals(tmp_path / "b")
    assert any(name.endswith(".xlsx") for name in first)
    simulate(tmp_path / "c", **(kwargs | {"seed": 12}))  # type: ignore[arg-type]
    assert _digests(tmp_path / "c") != first
    # arrival times draw from no random stream: every delivery late leaves every file's bytes as they were
    simulate(tmp_path / "d", **kwargs, fault_rates={"late_delivery": 1.0})  # type: ignore[arg-type]
    delivered = {name: digest for name, digest in first.items() if not name.startswith("truth")}
    assert {name: digest for name, digest in _digests(tmp_path / "d").items() if name in delivered} == delivered
    on_time, late = _arrivals(tmp_path / "a"), _arrivals(tmp_path / "d")
    assert set(late) == set(delivered) and all(late[name] >= on_time[name] for name in late)  # a: 1% late
    assert sum(late[name] > on_time[name] for name in late) > 0.9 * len(late)


def test_days_beyond_the_year_leave_the_years_files_as_they_were(tmp_path: Path) -> None:
    """ascwh bench-build and the two-weeks test of tests/test_marts_changes.py land days after a simulated year:
    they must continue the same history (the council's year-end backlog works towards the year's end, not the
    last day simulated)."""
    kwargs = {"scale": 0.02, "start": date(2023, 4, 1), "seed": 11, "progress": False}
    simulate(tmp_path / "year", end=date(2024, 3, 31), **kwargs)  # type: ignore[arg-type]
    simulate(tmp_path / "more", end=date(2024, 4, 7), **kwargs)  # type: ignore[arg-type]
    year = {name: digest for name, digest in _digests(tmp_path / "year").items() if not name.startswith("truth")}
    more = _digests(tmp_path / "more")
    assert {name: more.get(name) for name in year} == year
    assert len(more) > len(year) + 7  # and the week's deliveries follow


def test_volumes_grow_linearly_with_scale(tmp_path: Path) -> None:
    rows = {}
    for scale in (0.1, 0.2):
        summary = simulate(tmp_path / str(scale), scale=scale, start=date(2023, 4, 1), end=date(2023, 4, 30),
                           fault_rates=dict.fromkeys(DEFAULT_FAULT_RATES, 0.0), progress=False)  # fmt: skip
        rows[scale] = summary["rows"]
    for entity in ("council.contacts", "council.events", "council.dols", "health.referrals",
                   "safeguarding.concerns", "carers_hub.carers"):  # fmt: skip
        assert 1.7 < rows[0.2][entity] / rows[0.1][entity] < 2.3, entity


# ---- truth ----------------------------------------------------------------------------------------------


def test_truth_is_consistent_with_the_files(heavy: Path) -> None:
    files = truth(heavy, "files")
    on_disk = {
        str(path.relative_to(heavy)) for path in heavy.rglob("*") if path.is_file() and "truth" not in path.parts
    }
    listed = {str(delivered_path(heavy, row).relative_to(heavy)) for row in files}
    assert on_disk == listed
    for row in files:
        data = delivered_path(heavy, row).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert len(data) == int(row["size_bytes"])
    names = {(row["delivery"], row["feed"], row["file_name"]) for row in files}
    for row in truth(heavy, "faults"):
        assert (row["delivery"], row["feed"], row["file_name"]) in names
        assert row["expected_outcome"] == FAULTS[row["fault"]][1].value
    per_file = Counter((row["delivery"], row["file_name"]) for row in truth(heavy, "file_entities"))
    assert set(per_file) == {(row["delivery"], row["file_name"]) for row in files}
    for row in truth(heavy, "file_entities"):
        assert 0 <= int(row["good_rows"]) <= int(row["data_rows"])


def test_files_arrive_after_their_extract_date(heavy: Path) -> None:
    """A file's modification time is its arrival: after its extract date, by the deadline unless its extract
    date's delivery is late (``late_delivery``, in files.csv and faults.csv), a re-delivery after the first."""
    grace = {"council": 1, "health": 1, "safeguarding": 1, "carers_hub": 10}  # fct_feed_deliveries_daily
    late_faults = {(row["feed"], row["file_name"]) for row in truth(heavy, "faults") if row["fault"] == "late_delivery"}
    arrived: dict[tuple[str, str, str], datetime] = {}
    late_dates: dict[tuple[str, str], set[bool]] = defaultdict(set)
    for row in truth(heavy, "files"):
        key = (row["delivery"], row["feed"], row["file_name"])
        arrived[key] = datetime.fromtimestamp(delivered_path(heavy, row).stat().st_mtime, UTC)
        extract = date.fromisoformat(row["extract_date"])
        if row["delivery"] == "redelivery":
            first = arrived["first", row["feed"], row["file_name"]]
            assert first < arrived[key] <= first + timedelta(hours=72), key
            continue
        late = "late_delivery" in row["faults"].split(";")
        assert late == ((row["feed"], row["file_name"]) in late_faults), key
        late_dates[row["feed"], row["extract_date"]].add(late)
        assert arrived[key] >= datetime.combine(extract + timedelta(days=1), time(), UTC), key
        deadline = datetime.combine(extract + timedelta(days=grace[row["feed"]] + 1), time(), UTC)
        assert (arrived[key] >= deadline) == late, key
    assert all(len(flags) == 1 for flags in late_dates.values())  # every file of an extract date, or none
    late_share = sum(True in flags for flags in late_dates.values()) / len(late_dates)
    assert 0.1 < late_share < 0.4  # the heavy run's rate: 0.25 per feed and extract date


def test_clean_csv_row_counts_match_file_entities(clean: tuple[Path, dict]) -> None:
    out, _ = clean
    for row in truth(out, "file_entities")[:400]:
        if row["feed"] in ("council", "safeguarding"):
            assert len(csv_records(delivered_path(out, row))) - 1 == int(row["data_rows"]) == int(row["good_rows"])


def test_identities_and_people(heavy: Path) -> None:
    people = {row["person_uid"]: row for row in truth(heavy, "people")}
    identities = truth(heavy, "identities")
    assert {row["person_uid"] for row in identities} == set(people)
    assert len({(row["system"], row["source_id"]) for row in identities}) == len(identities)
    assert {row["system"] for row in identities} == {
        "council", "council_contact", "health", "carers_hub", "carers_hub_cared_for", "safeguarding",
    }  # fmt: skip
    for row in people.values():
        assert nhs_valid(row["nhs_number"])
        assert re.fullmatch(r"GL\d{1,2} \d[A-Z]{2}", row["postcode"])
        assert not row["council_id"] or re.fullmatch(r"P\d{7}", row["council_id"])
        assert not row["trust_local_id"] or re.fullmatch(r"RIO\d{7}", row["trust_local_id"])
        assert not row["carer_ref"] or re.fullmatch(r"CH\d{6}", row["carer_ref"])
    by_council = {row["council_id"]: uid for uid, row in people.items() if row["council_id"]}
    for row in identities:
        if row["system"] == "council":
            assert by_council[row["source_id"]] == row["person_uid"]
    # contacts with a blank person id are each an identity
    contacts = csv_records(sorted((heavy / "council").glob("council_contacts_*.csv"))[5])
    blank = [record[0] for record in contacts[1:] if record and len(record) > 4 and not record[4] and record[0]]
    contact_ids = {row["source_id"] for row in identities if row["system"] == "council_contact"}
    assert blank and set(blank) <= contact_ids


def test_zero_rates_give_no_faults(clean: tuple[Path, dict]) -> None:
    out, summary = clean
    assert set(summary["faults"]) <= set(INHERENT_CODES)
    assert all(not row["faults"] for row in truth(out, "files"))
    assert all(row["delivery"] == "first" for row in truth(out, "files"))


# ---- faults are real in the bytes -----------------------------------------------------------------------


def test_every_fault_code_is_injected(heavy: Path) -> None:
    assert {row["fault"] for row in truth(heavy, "faults")} == INJECTED


def test_file_level_faults_show_in_the_bytes(heavy: Path) -> None:
    files = {(row["delivery"], row["feed"], row["file_name"]): row for row in truth(heavy, "files")}
    entities = {(row["delivery"], row["file_name"], row["entity"]): row for row in truth(heavy, "file_entities")}
    seen: Counter[str] = Counter()
    for (delivery, feed, name), faults in file_faults(heavy).items():
        path = delivered_path(heavy, {"delivery": delivery, "feed": feed, "file_name": name})
        data = path.read_bytes()
        codes = {row["fault"] for row in faults if not row["source_row"]}
        for fault in (row for row in faults if not row["source_row"]):
            code = fault["fault"]
            seen[code] += 1
            entity = ENTITY.get((feed, fault["entity"]))
            if code == "empty_file":
                assert data == b""
            elif code == "late_delivery":
                continue  # in the file's arrival time, not its bytes: test_files_arrive_after_their_extract_date
            elif code == "duplicate_delivery":
                assert data == (heavy / feed / name).read_bytes()
            elif code == "corrected_resend":
                assert data != (heavy / feed / name).read_bytes()
                assert files[delivery, feed, name]["sha256"] != files["first", feed, name]["sha256"]
            elif code == "truncated" and name.endswith(".xlsx"):
                with pytest.raises(Exception):  # noqa: B017 - any read error: the zip is cut
                    openpyxl.load_workbook(path)
            elif code == "truncated" and name.endswith(".csv"):
                assert not data.endswith(b"\n")
                records = csv_records(path)
                assert len(records[-1]) < len(records[0])
            elif code == "truncated":
                last = data.decode("utf-8").splitlines()[-1]
                with pytest.raises(json.JSONDecodeError):
                    json.loads(last)
            elif code == "bom":
                assert data.startswith(BOM)
            elif code == "windows_1252":
                with pytest.raises(UnicodeDecodeError):
                    data.decode("utf-8")
                assert not data.decode("cp1252").isascii()
            elif code == "header_only" and name.endswith(".csv"):
                assert len(csv_records(path)) == 1
            elif code == "volume_anomaly":
                assert entity is not None
                rows = int(entities[delivery, name, entity.name]["data_rows"])
                previous = [row for key, row in entities.items() if key[2] == entity.name and key[0] == "first"
                            and key[1][:-12] == name[:-12] and key[1] < name]  # fmt: skip
                if previous:
                    assert rows <= 0.06 * max(int(row["data_rows"]) for row in previous)
            elif name.endswith((".csv", ".jsonl")) and code in (
                "missing_required_column", "renamed_column_unknown", "renamed_column_alias", "unknown_column",
                "header_case_spacing",
            ):  # fmt: skip
                assert entity is not None
                _check_header(path, entity, fault, codes)
            elif name.endswith(".xlsx") and "empty_file" not in codes and "truncated" not in codes:
                _check_sheet_fault(path, fault)
    assert {code for code, (level, _) in FAULTS.items() if level == "file"} <= set(seen)


def _header(path: Path, entity: Entity) -> list[str]:
    if path.suffix == ".csv":
        return csv_records(path)[0]
    return list(flat(jsonl_records(path)[0]))


def _check_header(path: Path, entity: Entity, fault: dict[str, str], codes: set[str]) -> None:
    if "empty_file" in codes or ("truncated" in codes and path.suffix == ".jsonl") or path.stat().st_size == 0:
        return
    if path.suffix == ".jsonl" and "header_only" in codes:
        return
    header = _header(path, entity)
    keys = [header_key(name) for name in header]
    code, column, raw = fault["fault"], fault["column"], fault["raw_value"]
    if code == "missing_required_column":
        assert header_key(column) not in keys
        assert len(header) == len(entity.columns) - 1
    elif code == "renamed_column_unknown":
        assert raw in header and header_key(column) not in keys
        known = {header_key(c) for c in entity.columns} | {
            header_key(alias)
            for aliases in COLUMN_ALIASES.get((entity.feed, entity.name), {}).values()
            for alias in aliases
        }
        assert header_key(raw) not in known
    elif code == "renamed_column_alias":
        assert raw in header and raw in COLUMN_ALIASES[entity.feed, entity.name][column]
    elif code == "unknown_column":
        assert column in header and column not in entity.columns and len(header) == len(entity.columns) + 1
    elif code == "header_case_spacing":
        assert header != list(entity.columns) and keys == [header_key(c) for c in entity.columns]


def _check_sheet_fault(path: Path, fault: dict[str, str]) -> None:
    sheets = workbook_sheets(path)
    code, entity_name = fault["fault"], fault["entity"]
    entity = ENTITY["carers_hub", entity_name]
    if code == "sheet_missing":
        assert sheet_for(sheets, entity_name) is None
        return
    sheet = sheet_for(sheets, entity_name)
    assert sheet is not None
    header_row = 2 if sheet.merged else 1
    header = [str(value) for value in sheet.row(header_row) if value is not None]
    if code == "sheet_renamed_alias":
        assert fault["raw_value"] in sheets and fault["raw_value"] != SHEET_ALIASES[entity_name][0]
    elif code == "merged_header":
        assert sheet.merged and "Carers Hub return" in str(sheet.row(1)[0])
    elif code == "totals_row":
        assert sheet.rows[-1][0] == "Total"
    elif code == "blank_rows":
        body = sheet.rows[header_row:]
        assert any(all(value is None for value in row) for row in body)
    elif code == "header_only":
        assert len(sheet.rows) == header_row
    elif code in ("missing_required_column", "renamed_column_unknown", "renamed_column_alias", "unknown_column",
                  "header_case_spacing"):  # fmt: skip
        keys = [header_key(name) for name in header]
        if code == "missing_required_column":
            assert header_key(fault["column"]) not in keys
        elif code == "unknown_column":
            assert fault["column"] in header
        elif code == "header_case_spacing":
            assert keys == [header_key(c) for c in entity.columns] and header != list(entity.columns)
        else:
            assert fault["raw_value"] in header


def _value(out: Path, row: dict[str, str], cache: dict[tuple[str, str], object]) -> tuple[object, object, object]:
    """(the faulty cell's value, the row's key value, the row) for a row-level faults.csv row."""
    path = delivered_path(out, row)
    entity = ENTITY[row["feed"], row["entity"]]
    number = int(row["source_row"])
    cache_key = (str(path), row["entity"])
    if cache_key not in cache:
        cache[cache_key] = _load(path, entity, out, row)
    header, records = cache[cache_key]  # type: ignore[misc]
    if path.suffix == ".jsonl":
        record = flat(records[number - 1])
        return record.get(row["column"]), record.get(entity.key), record
    renames = _renames(out)[row["delivery"], row["feed"], row["file_name"]]
    index = column_index(header, entity, row["column"], renames)
    key_index = column_index(header, entity, entity.key, renames)
    record = records[number] if path.suffix == ".csv" else records[number - 1]
    assert index is not None and key_index is not None
    return record[index], record[key_index], record


@functools.cache
def _renames(out: Path) -> dict[tuple[str, str, str], dict[str, str]]:
    """Per delivered file, canonical column -> the name it was renamed to."""
    renames: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    for key, rows in file_faults(out).items():
        for row in rows:
            if row["fault"] in ("renamed_column_unknown", "renamed_column_alias"):
                renames[key][row["column"]] = row["raw_value"]
    return renames


def _load(path: Path, entity: Entity, out: Path, row: dict[str, str]) -> tuple[list[str], list]:
    if path.suffix == ".csv":
        records = csv_records(path)
        return records[0], records
    if path.suffix == ".jsonl":
        return [], jsonl_records(path)
    sheet = sheet_for(workbook_sheets(path), entity.name)
    assert sheet is not None
    header_row = 2 if sheet.merged else 1
    return [str(value) for value in sheet.row(header_row)], sheet.rows


def test_row_and_field_faults_show_in_the_bytes(heavy: Path) -> None:
    cache: dict[tuple[str, str], object] = {}
    per_code: Counter[str] = Counter()
    extract = {
        (row["delivery"], row["file_name"]): date.fromisoformat(row["extract_date"]) for row in truth(heavy, "files")
    }
    rows = [row for row in truth(heavy, "faults") if row["source_row"] and row["fault"] not in INHERENT_CODES
            and row["fault"] not in ("late_update", "deleted_event")]  # fmt: skip
    # the column a table lost (missing_required_column, quarantined): without its key there is no row to check, and
    # without its start date an end_before_start cannot be compared
    dropped = {(row["delivery"], row["file_name"], row["entity"]): row["column"] for row in truth(heavy, "faults")
               if row["fault"] == "missing_required_column"}  # fmt: skip

    def lost(row: dict[str, str]) -> str | None:
        return dropped.get((row["delivery"], row["file_name"], row["entity"]))

    rows = [row for row in rows if lost(row) != ENTITY[row["feed"], row["entity"]].key]
    for row in rows:
        code = row["fault"]
        if per_code[code] >= 25:
            continue
        per_code[code] += 1
        value, key, _ = _value(heavy, row, cache)
        text = "" if value is None else value if isinstance(value, str) else str(value)
        entity = ENTITY[row["feed"], row["entity"]]
        if code == "blank_key":
            assert value in (None, "") and not row["record_key"]
            continue
        assert str(key) == row["record_key"], row
        if not isinstance(value, (int, float, date)):  # workbook dates and numbers: checked below
            assert text == row["raw_value"], row
        extract_day = extract[row["delivery"], row["file_name"]]
        if code == "nhs_blank":
            assert value in (None, "")
        elif code == "nhs_spaced":
            assert re.fullmatch(r"\d{3} \d{3} \d{4}", text) and nhs_valid(text.replace(" ", ""))
        elif code == "nhs_dashed":
            assert re.fullmatch(r"\d{3}-\d{3}-\d{4}", text) and nhs_valid(text.replace("-", ""))
        elif code == "nhs_mod11":
            assert re.fullmatch(r"\d{10}", text) and not nhs_valid(text)
        elif code == "nhs_placeholder":
            assert text in ("0000000000", "9999999999", "1111111111")
        elif code == "code_release1":
            assert text in ETHNICITY_RELEASE1.values() or text in (
                "Service User",
                "Carer",
                "Carer known by association",
            )
        elif code == "code_variant":
            valid = entity.code_columns[row["column"]]
            assert text not in valid and normalise_code(text) in {normalise_code(v) for v in valid}
        elif code == "code_null_text":
            assert text == "NULL"
        elif code == "code_unknown":
            assert text in UNKNOWN_CODES and normalise_code(text) not in {
                normalise_code(v) for v in entity.code_columns[row["column"]]
            }
        elif code in ("optional_date_placeholder", "placeholder_required_date"):
            assert _as_date(value) == date(1900, 1, 1)
        elif code in ("optional_date_future", "start_after_extract"):
            assert _as_date(value) > extract_day
        elif code == "unparseable_required_date":
            assert _as_date(value) is None
        elif code == "end_before_start" and lost(row) != entity.start:
            start, _, _ = _value(heavy, row | {"column": entity.start}, cache)
            assert _as_date(value) < _as_date(start)
        elif code == "postcode_format":
            assert text != text.upper() or " " not in text
        elif code == "uk_date":
            assert isinstance(value, str) and re.fullmatch(r"\d{2}/\d{2}/\d{4}", value)
        elif code == "excel_serial_date":
            assert isinstance(value, (int, float))
    assert set(per_code) == INJECTED - set(INHERENT_CODES) - {"late_update", "deleted_event"} - {
        code for code, (level, _) in FAULTS.items() if level == "file"
    }


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value if not hasattr(value, "date") else value.date()  # type: ignore[union-attr]
    text = str(value or "")
    for pattern, parse in ((r"\d{4}-\d{2}-\d{2}", lambda t: date.fromisoformat(t[:10])),
                           (r"\d{2}/\d{2}/\d{4}", lambda t: date(int(t[6:10]), int(t[3:5]), int(t[:2])))):  # fmt: skip
        if re.match(pattern, text):
            try:
                return parse(text)
            except ValueError:
                return None
    return None


def test_semantic_faults(heavy: Path) -> None:
    faults = truth(heavy, "faults")
    cache: dict[tuple[str, str], object] = {}
    deleted = [row for row in faults if row["fault"] == "deleted_event"]
    assert deleted
    for row in deleted[:40]:
        value, _, _ = _value(heavy, row, cache)
        assert value == row["record_key"]
    restated = [row for row in faults if row["fault"] == "restated_event"][:50]
    for row in restated:
        earlier = [path for path in (heavy / "council").glob("council_events_*.csv") if path.name < row["file_name"]]
        texts = [path.read_text(encoding="utf-8", errors="replace") for path in earlier]
        key = row["record_key"]
        if any(key in text for text in texts):
            continue
        # its earlier row had its key blanked (blank_key): the same person's event of the same type and start
        text = delivered_path(heavy, row).read_text(encoding="utf-8", errors="replace")
        line = next(line for line in text.splitlines() if key in line)
        found = re.search(rf",(P\d+),.*,([^,]+),{key},(\d{{4}}-\d{{2}}-\d{{2}})", line)
        assert found, line
        person, kind, start = found.groups()
        keyless = f"{kind},,{start}"
        assert any(person in line and keyless in line for text in texts for line in text.splitlines()), row
    unknown = [row for row in faults if row["fault"] == "unknown_person"]
    assert {row["entity"] for row in unknown} == {"concerns", "carers"}
    for row in unknown[:40]:
        value, _, _ = _value(heavy, row, cache)
        assert value in (None, "")


# ---- calibration ----------------------------------------------------------------------------------------


def _all_csv(out: Path, pattern: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(out.glob(pattern)):
        records = csv_records(path)
        rows += [dict(zip(records[0], record, strict=True)) for record in records[1:]]
    return rows


def test_calibration_of_key_figures(clean: tuple[Path, dict]) -> None:
    """A year at scale 0.2 reproduces the published figures' shares and, scaled, their volumes."""
    out, _ = clean
    scale = 0.2
    contacts = _all_csv(out, "council/council_contacts_*.csv")
    assert len(contacts) / scale == pytest.approx(89_740, rel=0.06)
    front_door = [row for row in contacts if row["Team"] in ("Adults Helpdesk", "Referral Centre")]
    assert len(front_door) / len(contacts) == pytest.approx(71_466 / 89_740, abs=0.015)
    channels = Counter(row["Channel"] for row in contacts)
    assert channels["Telephone"] / len(contacts) == pytest.approx(0.528, abs=0.015)
    assert channels["Email"] / len(contacts) == pytest.approx(0.30, abs=0.015)
    nfa = {"No further action", "Information and advice", "Signposted to other services"}
    assert sum(row["Contact_Outcome"] in nfa for row in front_door) / len(front_door) == pytest.approx(0.42, abs=0.02)
    localities = Counter(row["Locality"] for row in contacts if row["Locality"])
    total = sum(localities.values())
    assert localities["Gloucester"] / total == pytest.approx(0.219, abs=0.012)
    assert localities["Stroud"] / total == pytest.approx(0.1859, abs=0.012)

    events = {}
    for path in sorted((out / "council").glob("council_events_*.csv")):
        records = csv_records(path)
        for record in records[1:]:
            events[record[16]] = record
    header = ENTITY["council", "events"].columns
    field = {name: index for index, name in enumerate(header)}
    assessments = [r for r in events.values() if r[field["Event_Type"]] == "Assessment"
                   and "2023-04-01" <= r[field["Event_End_Date"]] <= "2024-03-31"]  # fmt: skip
    assert len(assessments) / scale == pytest.approx(10_631, rel=0.1)
    physical = sum(r[field["Primary_Support_Reason"]].startswith("Physical") for r in assessments)
    assert physical / len(assessments) == pytest.approx(0.70, abs=0.04)

    referrals = {}
    for path in sorted((out / "health").glob("health_referrals_*.jsonl")):
        for record in jsonl_records(path):
            referrals[record["referral_id"]] = record
    ot = [r for r in referrals.values() if r["service"] == "Occupational Therapy" and r["triage_outcome"]
          and "2023-04-01" <= r["received_at"][:10] <= "2024-03-31"]  # fmt: skip
    triage = Counter(r["triage_outcome"] for r in ot)
    assert triage["Resolved at referral centre"] / len(ot) == pytest.approx(0.40, abs=0.025)
    assert triage["Added to waiting list"] / len(ot) == pytest.approx(0.34, abs=0.025)
    waiting = jsonl_records(out / "health" / "health_waiting_list_20240331.jsonl")
    ot_waiting = [r for r in waiting if r["service"] == "Occupational Therapy"]
    assert len(ot_waiting) / scale == pytest.approx(1_246, rel=0.15)

    concerns = _all_csv(out, "safeguarding/safeguarding_concerns_20240331.csv")
    year = [row for row in concerns if row["Received_Date"] >= "2023-04-01"]
    assert len(year) / scale == pytest.approx(4_455 * 518_700 / 485_737, rel=0.1)
    enquiries = sum(row["Decision"] in ("Section 42 enquiry", "Other enquiry") for row in year)
    assert enquiries / len(year) == pytest.approx(0.27, abs=0.03)

    dols = _all_csv(out, "council/council_dols_20240331.csv")
    waiting_dols = [row for row in dols if not row["Completed_Date"]]
    assert len(waiting_dols) / scale == pytest.approx(1_549 * 518_700 / 485_737, rel=0.15)

    people = {row["person_uid"]: row for row in truth(out, "people")}
    ethnicity = Counter(row["ethnicity"].split(":")[0] for row in people.values())
    white = ethnicity["White"] / len(people)
    assert 1 - white == pytest.approx(0.069, abs=0.015)
