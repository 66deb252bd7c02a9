"""Generate the SQL that turns delivered text into typed, normalised values with a status per checked field.

For every contract column the query yields the normalised value under its raw-table name and, for columns
that can be faulty, ``<name>__status``: ``ok`` or the fault found (``blank``, ``unparseable``,
``placeholder``, ``future``, ``unknown``, ``variant``, ``release1``, ``null_text``, ``spaced``, ``dashed``,
``malformed``, ``mod11``, ``invalid``). Faulty values are already normalised, nulled or mapped to
"Invalid and not mapped" in the value column; the gates decide from the statuses what happens to the row.
The query runs in DuckDB over the Arrow table the readers produced (all columns text).
"""

from __future__ import annotations

from ingestion.codes import code_list
from ingestion.contracts import PLACEHOLDER_DATE, Column, Entity, Kind

STATUS = "__status"
START_DATE = "_start_date"
EXTRACT_DATE = "_extract_date"

SQL_TYPES: dict[Kind, str] = {
    Kind.DATE: "DATE",
    Kind.TIMESTAMP: "TIMESTAMP",
    Kind.TIMESTAMPTZ: "TIMESTAMPTZ",
    Kind.DECIMAL: "DECIMAL(18, 4)",
    Kind.INTEGER: "INTEGER",
    Kind.BOOLEAN: "BOOLEAN",
}

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y")
TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d",
)
NHS_PLACEHOLDERS = tuple(str(digit) * 10 for digit in range(10))


def sql_type(column: Column) -> str:
    return SQL_TYPES.get(column.kind, "VARCHAR")


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


def code_key_sql(expr: str) -> str:
    return f"regexp_replace(lower({expr}), '[^0-9a-z]', '', 'g')"


def _code_map(name: str) -> str:
    codes = code_list(name)
    return "MAP {" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in sorted(codes.forms.items())) + "}"


def _code(raw: str, column: Column) -> tuple[str, str]:
    codes = code_list(column.code_list or "")
    canon = f"{_code_map(codes.name)}[{code_key_sql(raw)}]"
    unknown = lit(codes.unknown_value) if codes.unknown_value else "NULL"
    ok_forms = f"({raw} IN ({', '.join(lit(v) for v in codes.values)})"
    if codes.accepted:
        ok_forms += f" OR {code_key_sql(raw)} IN ({', '.join(lit(k) for k in sorted(codes.accepted))})"
    ok_forms += f") AND {raw} = {_untrimmed(raw)}"
    release1 = f"WHEN {raw} IN ({', '.join(lit(v) for v in codes.release1)}) THEN 'release1' " if codes.release1 else ""
    status = (
        f"CASE WHEN {raw} IS NULL THEN 'ok' WHEN upper({raw}) = 'NULL' THEN 'null_text' "
        f"WHEN {canon} IS NULL THEN 'unknown' WHEN {ok_forms} THEN 'ok' {release1}ELSE 'variant' END"
    )
    value = (
        f"CASE WHEN {raw} IS NULL OR upper({raw}) = 'NULL' THEN NULL "
        f"WHEN {canon} IS NULL THEN {unknown} ELSE {canon} END"
    )
    return value, status


def _untrimmed(raw: str) -> str:
    """The column as delivered, before trimming (``"X"`` -> ``"X__delivered"``)."""
    return raw[:-1] + '__delivered"'


def _codes(raw: str, column: Column) -> tuple[str, str]:
    mapping = _code_map(column.code_list or "")
    parts = f"list_filter(list_transform(string_split({raw}, ';'), lambda x: trim(x)), lambda x: x <> '')"
    canon = f"list_transform({parts}, lambda x: {mapping}[{code_key_sql('x')}])"
    status = (
        f"CASE WHEN {raw} IS NULL THEN 'ok' "
        f"WHEN len(list_filter({canon}, lambda x: x IS NULL)) > 0 THEN 'unknown' "
        f"WHEN {canon} <> {parts} THEN 'variant' ELSE 'ok' END"
    )
    value = f"nullif(array_to_string(list_filter({canon}, lambda x: x IS NOT NULL), ';'), '')"
    return value, status


def _dated(raw: str, parsed: str, column: Column, floor: str) -> tuple[str, str]:
    """Status and value of a date or timestamp column from its parse expression."""
    blank = "'blank'" if column.required else "'ok'"
    future = f"WHEN {parsed} > {EXTRACT_DATE} THEN 'future' " if column.past_only else ""
    status = (
        f"CASE WHEN {raw} IS NULL THEN {blank} WHEN {parsed} IS NULL THEN 'unparseable' "
        f"WHEN {parsed} <= {floor} THEN 'placeholder' {future}ELSE 'ok' END"
    )
    return status, parsed


def _date(raw: str, column: Column) -> tuple[str, str]:
    serial = rf"regexp_full_match({raw}, '\d{{1,5}}(\.0+)?')"  # an Excel date serial number
    parsed = (
        f"(CASE WHEN {serial} THEN DATE '1899-12-30' + CAST(floor(CAST({raw} AS DOUBLE)) AS INTEGER) "
        f"ELSE CAST(try_strptime({raw}, {_list(DATE_FORMATS)}) AS DATE) END)"
    )
    status, value = _dated(raw, parsed, column, f"DATE '{PLACEHOLDER_DATE.isoformat()}'")
    return f"CASE WHEN ({status}) = 'ok' THEN {value} END", status


def _timestamp(raw: str, column: Column) -> tuple[str, str]:
    if column.kind is Kind.TIMESTAMPTZ:
        parsed = f"try_cast({raw} AS TIMESTAMPTZ)"
        floor = f"TIMESTAMPTZ '{PLACEHOLDER_DATE.isoformat()} 23:59:59+00'"
    else:
        parsed = f"try_strptime({raw}, {_list(TIMESTAMP_FORMATS)})"
        floor = f"TIMESTAMP '{PLACEHOLDER_DATE.isoformat()} 23:59:59'"
    status, value = _dated(raw, parsed, column, floor)
    return f"CASE WHEN ({status}) = 'ok' THEN {value} END", status


def _cast(raw: str, column: Column) -> tuple[str, str]:
    if column.kind is Kind.BOOLEAN:
        parsed = (
            f"CASE lower({raw}) WHEN 'true' THEN true WHEN 'yes' THEN true WHEN '1' THEN true "
            f"WHEN 'false' THEN false WHEN 'no' THEN false WHEN '0' THEN false END"
        )
    else:
        parsed = f"try_cast({raw} AS {sql_type(column)})"
    status = f"CASE WHEN {raw} IS NULL THEN 'ok' WHEN {parsed} IS NULL THEN 'unparseable' ELSE 'ok' END"
    return parsed, status


def _mod11_ok(digits: str) -> str:
    total = " + ".join(f"CAST(substr({digits}, {i}, 1) AS INTEGER) * {11 - i}" for i in range(1, 10))
    return f"((11 - (({total}) % 11)) % 11) = CAST(substr({digits}, 10, 1) AS INTEGER)"


def _nhs(raw: str, _column: Column) -> tuple[str, str]:
    digits = rf"regexp_replace({raw}, '[\s\-]', '', 'g')"
    ten = rf"regexp_full_match({digits}, '\d{{10}}')"
    status = (
        f"CASE WHEN {raw} IS NULL THEN 'blank' WHEN NOT {ten} THEN 'malformed' "
        f"WHEN {digits} IN ({', '.join(lit(p) for p in NHS_PLACEHOLDERS)}) THEN 'placeholder' "
        f"WHEN NOT {_mod11_ok(digits)} THEN 'mod11' "
        f"WHEN {raw} LIKE '%-%' THEN 'dashed' WHEN {raw} <> {digits} THEN 'spaced' ELSE 'ok' END"
    )
    value = f"CASE WHEN ({status}) IN ('ok', 'spaced', 'dashed') THEN {digits} END"
    return value, status


def _postcode(raw: str, _column: Column) -> tuple[str, str]:
    squeezed = rf"upper(regexp_replace({raw}, '\s', '', 'g'))"
    spaced = f"(substr({squeezed}, 1, length({squeezed}) - 3) || ' ' || right({squeezed}, 3))"
    valid = f"regexp_full_match({spaced}, '[A-Z]{{1,2}}[0-9][A-Z0-9]? [0-9][A-Z]{{2}}')"
    status = f"CASE WHEN {raw} IS NULL THEN 'ok' WHEN {valid} THEN 'ok' ELSE 'invalid' END"
    return f"CASE WHEN {raw} IS NOT NULL AND {valid} THEN {spaced} END", status


_CHECKED = {
    Kind.CODE: _code,
    Kind.CODES: _codes,
    Kind.DATE: _date,
    Kind.TIMESTAMP: _timestamp,
    Kind.TIMESTAMPTZ: _timestamp,
    Kind.DECIMAL: _cast,
    Kind.INTEGER: _cast,
    Kind.BOOLEAN: _cast,
    Kind.NHS_NUMBER: _nhs,
    Kind.POSTCODE: _postcode,
}


def checked(column: Column) -> bool:
    """True when the column gets a status (its values can be faulty)."""
    return column.kind in _CHECKED


def _start_date(entity: Entity) -> str:
    if entity.start is None:
        return "CAST(NULL AS DATE)"
    column = entity.column(entity.start)
    name = column.raw_name
    if column.kind is Kind.TIMESTAMPTZ:
        return f"CAST(timezone('Europe/London', {name}) AS DATE)"
    return f"CAST({name} AS DATE)"


# Kinds whose values repeat across rows: their value and status are worked out once per distinct delivered
# value (a small lookup table joined back), not once per row.
LOOKUP_KINDS = frozenset({Kind.CODE, Kind.CODES, Kind.NHS_NUMBER, Kind.POSTCODE, Kind.DATE})


def normalise_sql(entity: Entity, source: str) -> str:
    """SELECT over ``source`` (contract columns as text plus _row_id, _source_row, _extra, _extract_date)."""
    trimmed = ", ".join(f'nullif(trim("{col.name}"), \'\') AS "{col.name}"' for col in entity.columns)
    trimmed += "".join(f', "{c.name}" AS "{c.name}__delivered"' for c in entity.columns if c.kind is Kind.CODE)
    lookups: list[str] = []
    joins: list[str] = []
    outputs: list[str] = []
    for index, column in enumerate(entity.columns):
        raw = f'"{column.name}"'
        if not checked(column):
            outputs.append(f"t.{raw} AS {column.raw_name}")
            continue
        value, status = _CHECKED[column.kind](raw, column)
        if column.kind not in LOOKUP_KINDS:
            outputs.append(f"{value} AS {column.raw_name}")
            outputs.append(f"{status} AS {column.raw_name}{STATUS}")
            continue
        keys = [raw] + ([_untrimmed(raw)] if column.kind is Kind.CODE else [])
        keys += [EXTRACT_DATE] if column.past_only else []
        lookups.append(
            f"m{index} AS (SELECT {', '.join(keys)}, {value} AS v, {status} AS s "
            f"FROM (SELECT DISTINCT {', '.join(keys)} FROM t))"
        )
        joins.append(
            f"LEFT JOIN m{index} ON " + " AND ".join(f"t.{key} IS NOT DISTINCT FROM m{index}.{key}" for key in keys)
        )
        outputs.append(f"m{index}.v AS {column.raw_name}")
        outputs.append(f"m{index}.s AS {column.raw_name}{STATUS}")
    lineage = ", ".join(f"t.{name}" for name in ("_row_id", "_file_idx", "_source_row", "_extra", EXTRACT_DATE))
    return (
        f"WITH t AS (SELECT _row_id, _file_idx, _source_row, _extra, {EXTRACT_DATE}, {trimmed} FROM {source}), "
        + "".join(f"{lookup}, " for lookup in lookups)
        + f"n AS (SELECT {lineage}, {', '.join(outputs)} FROM t {' '.join(joins)}) "
        f"SELECT *, {_start_date(entity)} AS {START_DATE} FROM n"
    )
