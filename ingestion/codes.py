"""Code lists: the allowed values of every coded column, with the forms senders write them in.

The lists live in ``dbt_project/seeds/codes/`` (one CSV a list, also loaded by dbt as seeds), plus the
short lists the specification gives inline (``contracts.INLINE_CODES``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingestion.contracts import ACCEPTED_FORMS, INLINE_CODES

CODES_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "codes"
INVALID = "Invalid and not mapped"
# Lists whose unmappable values become INVALID (the national rule for ethnicity); others become null.
INVALID_BUCKET = frozenset({"cld_ethnicity"})


def code_key(value: str) -> str:
    """The form variants are matched in: lower case, letters and digits only (same as the SQL ``code_key``)."""
    return re.sub(r"[^0-9a-z]", "", value.lower())


@dataclass(frozen=True)
class CodeList:
    """A list's canonical values and the forms that map onto them."""

    name: str
    values: tuple[str, ...]  # canonical values, in list order
    forms: dict[str, str]  # code_key(form) -> canonical value
    release1: dict[str, str]  # exact Release 1 label -> Release 2 label
    accepted: frozenset[str]  # code keys of the sender's normal free-text forms (not faults)

    @property
    def unknown_value(self) -> str | None:
        return INVALID if self.name in INVALID_BUCKET else None


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _release1_map() -> dict[str, dict[str, str]]:
    mapping: dict[str, dict[str, str]] = {}
    for row in _read(CODES_DIR / "cld_release1_to_release2.csv"):
        mapping.setdefault(row["code_list"], {})[row["release1"]] = row["release2"]
    return mapping


@cache
def code_list(name: str) -> CodeList:
    """Load a code list by name."""
    release1 = _release1_map().get(name, {})
    accepted = ACCEPTED_FORMS.get(name, {})
    if name in INLINE_CODES:
        values = INLINE_CODES[name]
    elif name == "carers_hub_sex":
        values = tuple(row["value"] for row in _read(CODES_DIR / "cld_gender.csv"))
    else:
        rows = _read(CODES_DIR / f"{name}.csv")
        first = next(iter(rows[0]))
        values = tuple(row[first] for row in rows if row.get("release", "2") == "2")
    forms = {code_key(value): value for value in values}
    forms.update({code_key(old): new for old, new in release1.items()})
    forms.update(accepted)
    return CodeList(name, values, forms, release1, frozenset(accepted))
