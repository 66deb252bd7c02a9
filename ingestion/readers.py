"""Read a delivered file into text columns under the contract's names, and report its structure.

Readers decide nothing: they decode and split the bytes, map headers to the contract (case, spacing and
known aliases), and describe what they found (parse errors, missing columns, unknown columns, data rows).
The gates decide what happens to the delivery. Messages never quote cell values: deliveries hold personal data.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import pyarrow as pa
import pyarrow.csv as pacsv

from ingestion.aliases import COLUMN_ALIASES, SHEET_ALIASES, header_key
from ingestion.contracts import Entity

SOURCE_ROW = "_source_row"
EXTRA = "_extra"


@dataclass
class Parsed:
    """One entity's rows from one delivered file, as text, and what the reader found."""

    entity: Entity
    table: pa.Table | None = None  # contract columns (strings), _source_row, _extra
    encoding: str = ""
    parse_error: str | None = None  # the file cannot be read as a whole (cut off, corrupt)
    missing_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    sheet_found: bool = True
    data_rows: int = 0

    @property
    def readable(self) -> bool:
        return self.table is not None


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read in: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def map_headers(entity: Entity, headers: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Map delivered headers to contract columns.

    Returns (delivered header -> contract column, missing contract columns, unknown delivered headers).
    """
    aliases = COLUMN_ALIASES.get((entity.feed, entity.name), {})
    wanted: dict[str, str] = {}
    for column in entity.columns:
        wanted.setdefault(header_key(column.name), column.name)
        for alias in aliases.get(column.name, ()):
            wanted.setdefault(header_key(alias), column.name)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        target = wanted.get(header_key(header))
        if target and target not in mapping.values():
            mapping[header] = target
        elif str(header).strip():
            unknown.append(str(header))
    missing = [col.name for col in entity.columns if col.name not in mapping.values()]
    return mapping, missing, unknown


def _finish(parsed: Parsed, headers: list[str], columns: dict[str, list], source_rows: list[int]) -> Parsed:
    """Build the table from delivered columns: contract names, unknown columns folded into ``_extra``."""
    mapping, parsed.missing_columns, parsed.unknown_columns = map_headers(parsed.entity, headers)
    parsed.data_rows = len(source_rows)
    if parsed.missing_columns:
        return parsed
    arrays = {target: columns[header] for header, target in mapping.items()}
    ordered = {col.name: pa.array(arrays[col.name], pa.string()) for col in parsed.entity.columns}
    ordered[SOURCE_ROW] = pa.array(source_rows, pa.int64())
    if parsed.unknown_columns:
        extra_cols = [columns[name] for name in parsed.unknown_columns]
        extra = [
            json.dumps(dict(zip(parsed.unknown_columns, values, strict=True)), ensure_ascii=False)
            for values in zip(*extra_cols, strict=True)
        ]
        ordered[EXTRA] = pa.array(extra, pa.string())
    else:
        ordered[EXTRA] = pa.nulls(len(source_rows), pa.string())
    parsed.table = pa.table(ordered)
    return parsed


def _locate_short_record(text: str, width: int) -> str:
    """Describe where a CSV stops having the header's width, without quoting any value."""
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    for number, record in enumerate(reader, start=1):
        if record and len(record) != width:
            return f"data record {number} has {len(record)} fields where the header has {width}"
    return "the file ends inside a quoted value"


def read_csv(entity: Entity, data: bytes) -> Parsed:
    text, encoding = decode(data)
    parsed = Parsed(entity, encoding=encoding)
    first_line = next(csv.reader(io.StringIO(text)), [])
    headers = [h.strip() for h in first_line]
    if not headers:
        parsed.missing_columns = [col.name for col in entity.columns]
        return parsed
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=[f"c{i}" for i in range(len(headers))], skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(len(headers))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        parsed.parse_error = _locate_short_record(text, len(headers))
        return parsed
    if not text.endswith(("\n", "\r")) and table.num_rows and _last_record_open(text):
        parsed.parse_error = "the file ends inside a quoted value"
        return parsed
    columns = {header: table.column(f"c{i}").to_pylist() for i, header in enumerate(headers)}
    return _finish(parsed, headers, columns, list(range(1, table.num_rows + 1)))


def _last_record_open(text: str) -> bool:
    """True when the text ends inside an open quote (an odd number of quotes in the last record)."""
    tail = text[text.rfind("\n") + 1 :]
    return tail.count('"') % 2 == 1


def _flatten(record: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _text(value: object) -> str | None:
    """A cell or JSON value as text, the way the contract parses it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_jsonl(entity: Entity, data: bytes) -> Parsed:
    text, encoding = decode(data)
    parsed = Parsed(entity, encoding=encoding)
    records: list[dict[str, object]] = []
    source_rows: list[int] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            cut = number == len(lines) or all(not rest.strip() for rest in lines[number:])
            parsed.parse_error = f"line {number} is not valid JSON" + (" (the file looks cut off)" if cut else "")
            return parsed
        if not isinstance(record, dict):
            parsed.parse_error = f"line {number} is not a JSON object"
            return parsed
        records.append(_flatten(record))
        source_rows.append(number)
    headers: list[str] = []
    for record in records:
        headers.extend(name for name in record if name not in headers)
    if not records:
        headers = [col.name for col in entity.columns]  # an empty delivery has no columns to miss
    columns = {name: [_text(record.get(name)) for record in records] for name in headers}
    return _finish(parsed, headers, columns, source_rows)


_TOTALS = re.compile(r"^\s*(grand\s+)?totals?\b", re.IGNORECASE)


def _find_sheet(sheet_names: list[str], entity: Entity) -> str | None:
    accepted = {header_key(name) for name in SHEET_ALIASES.get(entity.name, (entity.sheet or "",))}
    return next((name for name in sheet_names if header_key(name) in accepted), None)


def _header_row(rows: list[tuple], entity: Entity) -> int | None:
    """The index of the header row among the first rows: the first that names most contract columns."""
    for index, row in enumerate(rows):
        headers = [str(cell) for cell in row if cell is not None]
        if not headers:
            continue
        mapping, _missing, _unknown = map_headers(entity, headers)
        if len(mapping) * 2 >= len(entity.columns):
            return index
    return None


def read_sheet(entity: Entity, workbook) -> Parsed:
    """One sheet of the Carers Hub workbook: title rows, merged headers, blank and totals rows handled."""
    parsed = Parsed(entity, encoding="xlsx")
    sheet_name = _find_sheet(workbook.sheetnames, entity)
    if sheet_name is None:
        parsed.sheet_found = False
        parsed.missing_columns = [col.name for col in entity.columns]
        return parsed
    rows = list(workbook[sheet_name].iter_rows(values_only=True))
    header_index = _header_row(rows[:10], entity)
    if header_index is None:
        first = next((row for row in rows if any(cell is not None for cell in row)), ())
        headers = [_text(cell) or "" for cell in first]
        return _finish(parsed, headers, {h: [] for h in headers}, [])
    headers = [_text(cell) or "" for cell in rows[header_index]]
    values: list[list[str | None]] = []
    source_rows: list[int] = []
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = [_text(cell) for cell in row]
        filled = [cell for cell in cells if cell is not None and cell.strip()]
        if not filled or _TOTALS.match(filled[0]):
            continue
        values.append(cells + [None] * (len(headers) - len(cells)))
        source_rows.append(number)
    columns = {h: [row[i] for row in values] for i, h in enumerate(headers) if h}
    return _finish(parsed, [h for h in headers if h], columns, source_rows)


def read_workbook(entities: tuple[Entity, ...], data: bytes) -> list[Parsed]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        message = f"the workbook cannot be opened ({type(error).__name__}; the file may be cut off)"
        return [Parsed(entity, encoding="xlsx", parse_error=message) for entity in entities]
    try:
        return [read_sheet(entity, workbook) for entity in entities]
    finally:
        workbook.close()


def read_delivery(entities: tuple[Entity, ...], file_name: str, data: bytes) -> list[Parsed]:
    """Read one delivered file into one Parsed per entity it holds."""
    if not data and not file_name.endswith(".jsonl"):  # JSON Lines with no records is 0 bytes: no rows
        return [Parsed(entity, parse_error="the file is empty (0 bytes)") for entity in entities]
    if file_name.endswith(".xlsx"):
        return read_workbook(entities, data)
    reader = read_jsonl if file_name.endswith(".jsonl") else read_csv
    return [reader(entity, data) for entity in entities]
