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
from dataclasses import dataclass, field
from datetime import date, datetime

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import python_calamine

from ingestion.aliases import COLUMN_ALIASES, SHEET_ALIASES, header_key
from ingestion.contracts import Entity, Kind

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


BOM = b"\xef\xbb\xbf"


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read in: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    if data.startswith(BOM):
        return data[len(BOM) :].decode("utf-8"), "utf-8-sig"
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


Column = list[str | None] | pa.ChunkedArray


def _arrow(values: Column) -> pa.Array | pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.array(values, pa.string())


def _python(values: Column) -> list[str | None]:
    return values.to_pylist() if isinstance(values, pa.ChunkedArray) else values


def _finish(parsed: Parsed, headers: list[str], columns: dict[str, Column], source_rows: pa.Array) -> Parsed:
    """Build the table from delivered columns: contract names, unknown columns folded into ``_extra``."""
    mapping, parsed.missing_columns, parsed.unknown_columns = map_headers(parsed.entity, headers)
    parsed.data_rows = len(source_rows)
    if parsed.missing_columns:
        return parsed
    arrays = {target: columns[header] for header, target in mapping.items()}
    ordered = {col.name: _arrow(arrays[col.name]) for col in parsed.entity.columns}
    ordered[SOURCE_ROW] = source_rows
    if parsed.unknown_columns:  # rare: worth a Python loop to keep the values as JSON
        extra_cols = [_python(columns[name]) for name in parsed.unknown_columns]
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


def _pyarrow_csv(data: bytes, width: int, encoding: str) -> pa.Table:
    names = [f"c{i}" for i in range(width)]
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=encoding),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )


def read_csv(entity: Entity, data: bytes) -> Parsed:
    """A CSV file: UTF-8 (a byte-order mark removed), or Windows-1252 when the bytes are not valid UTF-8."""
    encoding = "utf-8"
    if data.startswith(BOM):
        data, encoding = data[len(BOM) :], "utf-8-sig"
    first_line, _encoding = decode(data[: data.find(b"\n") + 1 or len(data)])
    headers = [h.strip() for h in next(csv.reader(io.StringIO(first_line)), [])]
    parsed = Parsed(entity, encoding=encoding)
    if not headers:
        parsed.missing_columns = [col.name for col in entity.columns]
        return parsed
    try:
        try:
            table = _pyarrow_csv(data, len(headers), "utf8")
        except pa.ArrowInvalid as error:
            if "UTF8" not in str(error) and "UTF-8" not in str(error):
                raise
            parsed.encoding = "cp1252"
            table = _pyarrow_csv(data, len(headers), "cp1252")
    except pa.ArrowInvalid:
        parsed.parse_error = _locate_short_record(decode(data)[0], len(headers))
        return parsed
    if not data.endswith((b"\n", b"\r")) and table.num_rows and _last_record_open(decode(data[-65536:])[0]):
        parsed.parse_error = "the file ends inside a quoted value"
        return parsed
    columns: dict[str, Column] = {header: table.column(f"c{i}") for i, header in enumerate(headers)}
    return _finish(parsed, headers, columns, pa.array(range(1, table.num_rows + 1), pa.int64()))


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


def _json_schema(entity: Entity) -> pa.Schema:
    """The contract as an Arrow schema for JSON Lines: nested objects by the dots in the column names."""
    types = {Kind.INTEGER: pa.int64(), Kind.BOOLEAN: pa.bool_()}
    top: dict[str, pa.DataType | dict[str, pa.DataType]] = {}
    for column in entity.columns:
        kind = types.get(column.kind, pa.string())
        if "." in column.name:
            parent, child = column.name.split(".", 1)
            top.setdefault(parent, {})[child] = kind  # type: ignore[index]
        else:
            top[column.name] = kind
    return pa.schema(
        [pa.field(name, pa.struct(list(t.items())) if isinstance(t, dict) else t) for name, t in top.items()]
    )


def _read_jsonl_fast(entity: Entity, data: bytes) -> Parsed | None:
    """JSON Lines read by Arrow against the contract's schema; None when the file needs the careful reader
    (blank lines, values of another type, nested unknown fields, anything that does not parse)."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if b"\n\n" in data or data.startswith(b"\n"):
        return None
    try:
        table = pajson.read_json(
            io.BytesIO(data),
            read_options=pajson.ReadOptions(block_size=max(len(data), 1 << 20)),
            parse_options=pajson.ParseOptions(explicit_schema=_json_schema(entity), unexpected_field_behavior="infer"),
        )
        while any(pa.types.is_struct(field.type) for field in table.schema):
            table = table.flatten()
        table = pa.table({name: table.column(name).cast(pa.string()) for name in table.column_names})
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    if table.num_rows != lines:
        return None
    parsed = Parsed(entity, encoding="utf-8")
    if table.num_rows:  # a field named in no record is missing, as the careful reader sees it
        headers = [name for name in table.column_names if re.search(rb'"%s"\s*:' % _leaf(name), data)]
    else:
        headers = [col.name for col in entity.columns]  # an empty delivery has no columns to miss
    columns: dict[str, Column] = {name: table.column(name) for name in table.column_names}
    return _finish(parsed, headers, columns, pa.array(range(1, table.num_rows + 1), pa.int64()))


def _leaf(name: str) -> bytes:
    return re.escape(name.rsplit(".", 1)[-1]).encode()


def read_jsonl(entity: Entity, data: bytes) -> Parsed:
    return _read_jsonl_fast(entity, data) or _read_jsonl_careful(entity, data)


def _read_jsonl_careful(entity: Entity, data: bytes) -> Parsed:
    """Line by line: exact line numbers for errors, any shape of record."""
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
    columns: dict[str, Column] = {name: [_text(record.get(name)) for record in records] for name in headers}
    return _finish(parsed, headers, columns, pa.array(source_rows, pa.int64()))


_TOTALS = re.compile(r"^\s*(grand\s+)?totals?\b", re.IGNORECASE)


def _find_sheet(sheet_names: list[str], entity: Entity) -> str | None:
    accepted = {header_key(name) for name in SHEET_ALIASES.get(entity.name, (entity.sheet or "",))}
    return next((name for name in sheet_names if header_key(name) in accepted), None)


def _header_row(rows: list[list[str | None]], entity: Entity) -> int | None:
    """The index of the header row among the first rows: the first that names most contract columns."""
    for index, row in enumerate(rows):
        headers = [cell for cell in row if cell]
        if not headers:
            continue
        mapping, _missing, _unknown = map_headers(entity, headers)
        if len(mapping) * 2 >= len(entity.columns):
            return index
    return None


def _cell(value: object) -> str | None:
    """A workbook cell as text; an empty cell is None."""
    text = _text(value)
    return text if text else None


def read_sheet(entity: Entity, workbook: python_calamine.CalamineWorkbook) -> Parsed:
    """One sheet of the Carers Hub workbook: title rows, merged headers, blank and totals rows handled.

    ``_source_row`` is the Excel row number."""
    parsed = Parsed(entity, encoding="xlsx")
    sheet_name = _find_sheet(workbook.sheet_names, entity)
    if sheet_name is None:
        parsed.sheet_found = False
        parsed.missing_columns = [col.name for col in entity.columns]
        return parsed
    rows = [
        [_cell(cell) for cell in row] for row in workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    ]
    header_index = _header_row(rows[:10], entity)
    if header_index is None:
        headers = next((row for row in rows if any(row)), [])
        return _finish(parsed, [h or "" for h in headers], {}, pa.array([], pa.int64()))
    headers = [cell or "" for cell in rows[header_index]]
    values: list[list[str | None]] = []
    source_rows: list[int] = []
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        filled = [cell for cell in row if cell and cell.strip()]
        if not filled or _TOTALS.match(filled[0]):
            continue
        values.append(row + [None] * (len(headers) - len(row)))
        source_rows.append(number)
    columns: dict[str, Column] = {h: [row[i] for row in values] for i, h in enumerate(headers) if h}
    return _finish(parsed, [h for h in headers if h], columns, pa.array(source_rows, pa.int64()))


def read_workbook(entities: tuple[Entity, ...], data: bytes) -> list[Parsed]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.CalamineError as error:
        message = f"the workbook cannot be opened ({type(error).__name__}; the file may be cut off)"
        return [Parsed(entity, encoding="xlsx", parse_error=message) for entity in entities]
    try:
        return [read_sheet(entity, workbook) for entity in entities]
    except python_calamine.CalamineError as error:
        message = f"a sheet cannot be read ({type(error).__name__}; the file may be damaged)"
        return [Parsed(entity, encoding="xlsx", parse_error=message) for entity in entities]


def read_delivery(entities: tuple[Entity, ...], file_name: str, data: bytes) -> list[Parsed]:
    """Read one delivered file into one Parsed per entity it holds."""
    if not data and not file_name.endswith(".jsonl"):  # JSON Lines with no records is 0 bytes: no rows
        return [Parsed(entity, parse_error="the file is empty (0 bytes)") for entity in entities]
    if file_name.endswith(".xlsx"):
        return read_workbook(entities, data)
    reader = read_jsonl if file_name.endswith(".jsonl") else read_csv
    return [reader(entity, data) for entity in entities]
