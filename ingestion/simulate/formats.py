"""Rendering rows as CSV and JSON Lines text: the one CSV writer all CSV feeds use, and its JSON twin.

Values are ``str``, ``None`` (blank), and for JSON also ``int`` and ``bool``. CSV follows RFC 4180: comma,
CRLF, double quotes only where needed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

_NEEDS_QUOTES = frozenset(',"\r\n')


def csv_field(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if _NEEDS_QUOTES.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def csv_line(values: Sequence[str | None]) -> str:
    """One CSV record with its line end (values are text or ``None`` for blank)."""
    fields = ["" if value is None else value for value in values]
    line = ",".join(fields)
    if '"' not in line and "\n" not in line and "\r" not in line:
        if line.count(",") == len(fields) - 1:
            return line + "\r\n"
        return ",".join([f'"{field}"' if "," in field else field for field in fields]) + "\r\n"
    return ",".join([csv_field(field) for field in fields]) + "\r\n"


def csv_cut(values: Sequence[object], salt: int) -> str:
    """A CSV record cut off inside a field before its last one (no line end), so it has fewer fields than
    the header: what a truncated file ends with."""
    fields = [csv_field(value) for value in values]
    cuttable = [index for index in range(len(fields) - 1) if not fields[index].startswith('"')] or [0]
    index = cuttable[salt % len(cuttable)]
    return ",".join([*fields[:index], fields[index][: len(fields[index]) // 2]])


def json_record(names: Sequence[str], values: Sequence[object]) -> dict[str, object]:
    """A JSON object from dotted names (``patient.nhs_number`` nests under ``patient``), in column order."""
    record: dict[str, object] = {}
    for name, value in zip(names, values, strict=True):
        head, dot, tail = name.partition(".")
        if dot:
            nested = record.setdefault(head, {})
            assert isinstance(nested, dict)
            nested[tail] = value
        else:
            record[name] = value
    return record


def json_line(names: Sequence[str], values: Sequence[object]) -> str:
    return json.dumps(json_record(names, values), ensure_ascii=False, separators=(",", ":")) + "\n"


def json_cut(line: str, salt: int) -> str:
    """A JSON line cut off inside its object (no line end)."""
    return line[: max(1, len(line) // 3 + salt % max(1, len(line) // 3))]
