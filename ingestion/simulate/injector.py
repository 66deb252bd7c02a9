"""The one fault injector: decides which faults a table gets and applies them to its rows.

A :class:`TablePlan` is drawn once per table of a delivery (a CSV or JSON Lines file, or one workbook sheet),
before any row is written: the file-level faults, the header as written, and the positions of row- and
field-level faults. Rows are then streamed through :meth:`TablePlan.apply`. Every random choice a fault makes
is fixed in the plan (a salt per fault), so a corrected re-send repeats exactly the same faulty values.

Rates are per file for file-level codes, per row for row-level codes and per field value for field-level
codes (see :data:`DEFAULT_FAULT_RATES`).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ingestion.aliases import COLUMN_ALIASES, SHEET_ALIASES
from ingestion.faults import FAULTS

from .rng import mix
from .schema import Entity
from .timefmt import iso, uk

DEFAULT_FAULT_RATES: dict[str, float] = {
    # file level: probability per file (per sheet for the workbook-only codes)
    "duplicate_delivery": 0.01,
    "corrected_resend": 0.006,
    "truncated": 0.004,
    "empty_file": 0.003,
    "header_only": 0.003,
    "missing_required_column": 0.003,
    "renamed_column_unknown": 0.003,
    "volume_anomaly": 0.006,
    "renamed_column_alias": 0.006,
    "unknown_column": 0.005,
    "bom": 0.01,
    "windows_1252": 0.006,
    "header_case_spacing": 0.005,
    "sheet_missing": 0.05,
    "sheet_renamed_alias": 0.1,
    "merged_header": 0.2,
    "blank_rows": 0.25,
    "totals_row": 0.2,
    "late_delivery": 0.01,  # per feed and extract date: every file of that date arrives days late (.arrival)
    # row level: probability per row
    "end_before_start": 0.001,
    "start_after_extract": 0.001,
    "blank_key": 0.001,
    "unparseable_required_date": 0.001,
    "placeholder_required_date": 0.001,
    # field level: probability per field value
    "nhs_blank": 0.03,
    "nhs_spaced": 0.01,
    "nhs_dashed": 0.005,
    "nhs_mod11": 0.005,
    "nhs_placeholder": 0.003,
    "code_release1": 0.02,
    "code_variant": 0.005,
    "code_null_text": 0.003,
    "code_unknown": 0.002,
    "optional_date_placeholder": 0.003,
    "optional_date_future": 0.002,
    "postcode_format": 0.01,
    "uk_date": 0.3,  # share of workbook date cells written as dd/mm/yyyy text
    "excel_serial_date": 0.03,  # share of workbook date cells written as a bare serial number
    # semantics (simulation parameters rather than injected faults)
    "late_update": 0.03,  # share of event closures recorded more than the 7-day overlap after the fact
    "deleted_event": 0.004,  # share of events that are duplicates recorded in error and later deleted
}

# (feed.entity, code) -> factor on the rate: contacts are "as given by the caller; often partial", the trust's
# NHS numbers are "mostly present", and many safeguarding concerns come from people who do not know them
RATE_FACTORS: dict[tuple[str, str], float] = {
    ("council.contacts", "nhs_blank"): 15.0,
    ("health.referrals", "nhs_blank"): 1 / 3,
    ("safeguarding.concerns", "nhs_blank"): 3.0,
}
# snapshot feeds restate the same records every day: their row and field rates are this fraction of the
# defaults, so a year's truth lists a manageable number of faults
SNAPSHOT_FACTOR = 0.1
# the hand-made monthly workbook: file-level codes it shares with the system feeds are this much likelier
HAND_MADE_FACTOR = 4.0

CONTENT_CODES = ("empty_file", "truncated", "header_only", "volume_anomaly")
HEADER_CODES = (
    "missing_required_column",
    "renamed_column_unknown",
    "renamed_column_alias",
    "unknown_column",
    "header_case_spacing",
)
ENCODING_CODES = ("bom", "windows_1252")
LAYOUT_CODES = ("merged_header", "blank_rows", "totals_row")
HAND_MADE_CODES = frozenset((*CONTENT_CODES, *HEADER_CODES, "duplicate_delivery", "corrected_resend"))
SEMANTIC_CODES = ("restated_event", "late_update", "deleted_event", "unknown_person")
ROW_CODES = tuple(code for code, (level, _) in FAULTS.items() if level == "row" and code not in SEMANTIC_CODES)
INHERENT_CODES = ("restated_event", "unknown_person")  # follow from the specification; no rate turns them off

PLACEHOLDER_NHS = ("0000000000", "9999999999", "1111111111")
BAD_DATES = ("2023-02-30", "31/31/2023", "TBC", "00/00/0000", "2023-13-01", "unknown")
UNKNOWN_CODES = ("Other - see notes", "XX", "ZZ99", "Unknwn", "Legacy code 7")
_PLACEHOLDER_DAY = date(1900, 1, 1).toordinal()


def normalise_code(value: str) -> str:
    """How a code value compares once case, spacing and punctuation are ignored."""
    return re.sub(r"[^0-9a-z]", "", value.lower())


class Rates:
    """Fault rates: the defaults, overridden by the caller, scaled per entity where the specification says so."""

    def __init__(self, overrides: Mapping[str, float] | None) -> None:
        unknown = set(overrides or ()) - set(DEFAULT_FAULT_RATES)
        if unknown:
            raise ValueError(f"no such fault rate: {', '.join(sorted(unknown))}")
        self.rates = {**DEFAULT_FAULT_RATES, **(overrides or {})}

    def __call__(self, code: str, entity: Entity | None = None) -> float:
        rate = self.rates[code]
        if entity is not None:
            rate *= RATE_FACTORS.get((f"{entity.feed}.{entity.name}", code), 1.0)
            if entity.snapshot and FAULTS[code][0] != "file":
                rate *= SNAPSHOT_FACTOR
            if entity.feed == "carers_hub" and code in HAND_MADE_CODES:
                rate *= HAND_MADE_FACTOR
        return min(rate, 1.0)


def bernoulli_positions(rng: random.Random, n: int, p: float) -> list[int]:
    """The positions in ``range(n)`` that a Bernoulli(p) draw selects (geometric skipping: O(selected))."""
    if p <= 0 or n <= 0:
        return []
    if p >= 1:
        return list(range(n))
    log_q = math.log1p(-p)
    out, position = [], -1
    while True:
        position += 1 + int(math.log(1.0 - rng.random()) / log_q)
        if position >= n:
            return out
        out.append(position)


@dataclass(frozen=True)
class FileFault:
    """A file-level fault of one table: the code, the canonical column it concerns and the raw text."""

    code: str
    column: str = ""
    raw_value: str = ""


@dataclass
class Layout:
    """The header as written: renamed, recased, a column dropped or an unknown one added."""

    names: list[str]
    drop: int | None = None  # canonical index of a dropped column
    extra_at: int | None = None  # position of an added column in the written row
    extra_name: str = ""
    extra_values: tuple[str, ...] = ()

    @property
    def canonical(self) -> bool:
        return self.drop is None and self.extra_at is None

    def header(self) -> list[str]:
        names = [name for index, name in enumerate(self.names) if index != self.drop]
        if self.extra_at is not None:
            names.insert(self.extra_at, self.extra_name)
        return names

    def sources(self) -> list[int | None]:
        """For each written column, the canonical column it holds (``None`` for an added one)."""
        sources: list[int | None] = [index for index in range(len(self.names)) if index != self.drop]
        if self.extra_at is not None:
            sources.insert(self.extra_at, None)
        return sources

    def row(self, values: Sequence[object], position: int) -> list[object]:
        """A row laid out under this header."""
        out = list(values)
        if self.drop is not None:
            del out[self.drop]
        if self.extra_at is not None:
            out.insert(self.extra_at, self.extra_values[mix(position, 7) % len(self.extra_values)])
        return out


@dataclass
class Note:
    """A fault applied to one row, to record in ``truth/faults.csv``."""

    code: str
    column: str
    raw_value: object


@dataclass
class TablePlan:
    """Everything one table of a delivery gets wrong, decided before its rows are written."""

    entity: Entity
    n: int
    extract_day: int
    layout: Layout
    file_faults: list[FileFault] = field(default_factory=list)
    omit: frozenset[int] = frozenset()  # rows left out of a first delivery that a corrected re-send restores
    keep: frozenset[int] | None = None  # volume_anomaly: the only rows delivered
    cut: int | None = None  # truncated: the row the file is cut inside
    rows: dict[int, tuple[str, int]] = field(default_factory=dict)  # position -> (row code, salt)
    fields: dict[int, list[tuple[int, str, int]]] = field(default_factory=dict)  # position -> (column, code, salt)
    # workbook only: (position, column) -> "uk_date" or "excel_serial_date", how a date cell is written
    date_forms: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return [fault.code for fault in self.file_faults]

    def dropped(self, column: str) -> bool:
        """Whether ``column`` is missing from the delivered header."""
        return self.layout.drop is not None and self.entity.columns[self.layout.drop] == column

    def has(self, code: str) -> bool:
        return any(fault.code == code for fault in self.file_faults)

    def special_positions(self) -> set[int]:
        """Rows that need more than their cached rendering: faulty, left out or cut."""
        special = set(self.rows) | set(self.fields) | set(self.omit)
        if self.cut is not None:
            special.add(self.cut)
        return special

    def delivered(self, position: int) -> bool:
        if position in self.omit or self.has("header_only") or self.has("empty_file"):
            return False
        return self.keep is None or position in self.keep

    def corrected(self) -> TablePlan:
        """The same table as a corrected re-send delivers it: every row, no file-level fault."""
        return TablePlan(
            self.entity,
            self.n,
            self.extract_day,
            Layout(list(self.entity.columns)),
            rows=self.rows,
            fields=self.fields,
            date_forms=self.date_forms,
        )

    def apply(self, position: int, values: Sequence[object]) -> tuple[list[object] | None, list[Note]]:
        """The row's values with its faults applied (``None`` when it has none) and the faults applied."""
        row_fault = self.rows.get(position)
        field_faults = self.fields.get(position)
        if row_fault is None and field_faults is None:
            return None, []
        out = list(values)
        notes: list[Note] = []
        if row_fault is not None:
            note = _apply_row_fault(self.entity, out, row_fault[0], row_fault[1], self.extract_day)
            if note is not None and not self.dropped(note.column):
                notes.append(note)
            elif note is not None:
                out = list(values)  # the fault would land in the dropped column: leave the row as it was
        elif field_faults is not None:
            touched: set[int] = set()
            for column, code, salt in field_faults:
                if column in touched or column == self.layout.drop:
                    continue
                new = _field_fault(self.entity, column, code, out[column], salt, self.extract_day)
                if new is not _SKIP:
                    out[column] = new
                    touched.add(column)
                    notes.append(Note(code, self.entity.columns[column], new))
        return (out if notes else None), notes


# ---- planning ----------------------------------------------------------------------------------------------


def plan_table(
    rng: random.Random,
    rates: Rates,
    entity: Entity,
    n: int,
    extract_day: int,
    fmt: str,
    *,
    file_codes: Sequence[str] | None = None,
) -> TablePlan:
    """Draw a table's faults. ``file_codes`` forces the file-level codes (otherwise they are drawn)."""
    codes = list(file_codes) if file_codes is not None else draw_file_codes(rng, rates, entity, fmt, n)
    plan = TablePlan(entity, n, extract_day, Layout(list(entity.columns)))
    for code in codes:
        plan.file_faults.append(_plan_file_fault(rng, plan, code))
    _plan_rows(rng, rates, plan)
    if fmt == "xlsx":
        for code in ("excel_serial_date", "uk_date"):
            for column in _date_columns(entity):
                index = entity.columns.index(column)
                for position in bernoulli_positions(rng, n, rates(code)):
                    plan.date_forms.setdefault((position, index), code)
    return plan


def _date_columns(entity: Entity) -> list[str]:
    return [c for c in (entity.start, entity.end, *entity.optional_dates) if c is not None]


def draw_file_codes(rng: random.Random, rates: Rates, entity: Entity, fmt: str, n: int) -> list[str]:
    """At most one code from each group (content, header, encoding) that applies to this table."""
    candidates: list[tuple[str, ...]] = [
        tuple(code for code in CONTENT_CODES if _applies(code, entity, fmt, n)),
        tuple(code for code in HEADER_CODES if _applies(code, entity, fmt, n)),
    ]
    if fmt == "csv":
        candidates.append(ENCODING_CODES)
    chosen: list[str] = []
    for group in candidates:
        for code in group:
            if rng.random() < rates(code, entity):
                chosen.append(code)
                break
    if "empty_file" in chosen:
        return ["empty_file"]
    return chosen


def _applies(code: str, entity: Entity, fmt: str, n: int) -> bool:
    if code == "empty_file":
        return fmt != "xlsx"  # a workbook is emptied as a whole, not per sheet
    if code == "truncated":
        return fmt != "xlsx" and n >= 1
    if code == "header_only":
        return fmt != "jsonl" and entity.rows_expected and n >= 1
    if code == "volume_anomaly":
        return entity.snapshot and n >= 40
    if code == "renamed_column_alias":
        return fmt != "jsonl" and (entity.feed, entity.name) in COLUMN_ALIASES
    if code == "header_case_spacing":
        return fmt != "jsonl"
    return True


def _plan_file_fault(rng: random.Random, plan: TablePlan, code: str) -> FileFault:
    entity, layout = plan.entity, plan.layout
    if code == "missing_required_column":
        column = rng.choice(entity.required)
        layout.drop = entity.columns.index(column)
        return FileFault(code, column)
    if code == "renamed_column_unknown":
        column = rng.choice(entity.required)
        layout.names[entity.columns.index(column)] = entity.unknown_renames[column]
        return FileFault(code, column, entity.unknown_renames[column])
    if code == "renamed_column_alias":
        aliases = COLUMN_ALIASES[entity.feed, entity.name]
        column = rng.choice(sorted(aliases))
        alias = rng.choice(aliases[column])
        layout.names[entity.columns.index(column)] = alias
        return FileFault(code, column, alias)
    if code == "unknown_column":
        name, values = entity.extra_column
        layout.extra_at = rng.randrange(len(entity.columns) + 1 - (layout.drop is not None))
        layout.extra_name, layout.extra_values = name, values
        return FileFault(code, name)
    if code == "header_case_spacing":
        style = rng.randrange(4)
        layout.names = [_recase(name, style) for name in layout.names]
        return FileFault(code)
    if code == "volume_anomaly":
        share = rng.uniform(0.005, 0.05)
        plan.keep = frozenset(rng.sample(range(plan.n), max(1, int(plan.n * share))))
        return FileFault(code, raw_value=str(len(plan.keep)))
    if code == "truncated":
        plan.cut = rng.randrange(plan.n // 2, plan.n)
        return FileFault(code)
    if code == "sheet_renamed_alias":
        return FileFault(code, raw_value=rng.choice(SHEET_ALIASES[entity.name][1:]))
    return FileFault(code)


def _recase(name: str, style: int) -> str:
    words = [word for word in re.split(r"[_ ]+", name) if word]
    variants = (
        " ".join(words).upper(),
        "_".join(words).lower(),
        " ".join(word.capitalize() for word in words),
        "".join(words),
    )
    for offset in range(len(variants)):
        variant = variants[(style + offset) % len(variants)]
        if variant != name:
            return variant
    return f" {name} "  # pragma: no cover - every name has a distinct variant


def _plan_rows(rng: random.Random, rates: Rates, plan: TablePlan) -> None:
    entity, n = plan.entity, plan.n
    for code in ROW_CODES:
        if not _row_code_applies(entity, code):
            continue
        for position in bernoulli_positions(rng, n, rates(code, entity)):
            plan.rows.setdefault(position, (code, rng.getrandbits(32)))
    _plan_field(rng, plan, "nhs_blank", rates("nhs_blank", entity), [entity.nhs])
    for code in ("nhs_spaced", "nhs_dashed", "nhs_mod11", "nhs_placeholder"):
        _plan_field(rng, plan, code, rates(code, entity), [entity.nhs])
    _plan_field(rng, plan, "code_release1", rates("code_release1", entity), list(entity.release1))
    for code in ("code_variant", "code_null_text", "code_unknown"):
        _plan_field(rng, plan, code, rates(code, entity), list(entity.code_columns))
    _plan_field(
        rng, plan, "optional_date_placeholder", rates("optional_date_placeholder", entity), entity.optional_dates
    )
    _plan_field(rng, plan, "optional_date_future", rates("optional_date_future", entity), entity.optional_dates)
    _plan_field(rng, plan, "postcode_format", rates("postcode_format", entity), [entity.postcode])


def _row_code_applies(entity: Entity, code: str) -> bool:
    if code == "blank_key":
        return entity.blank_key
    if code == "end_before_start":
        return entity.start is not None and entity.end is not None
    return entity.start is not None


def _plan_field(rng: random.Random, plan: TablePlan, code: str, rate: float, columns: Sequence[str | None]) -> None:
    for column in columns:
        if column is None:
            continue
        index = plan.entity.columns.index(column)
        for position in bernoulli_positions(rng, plan.n, rate):
            if position not in plan.rows:
                plan.fields.setdefault(position, []).append((index, code, rng.getrandbits(32)))


def plan_omissions(rng: random.Random, plan: TablePlan) -> None:
    """Leave one to three rows out of a first delivery, for a corrected re-send to restore."""
    candidates = [position for position in range(plan.n) if position != plan.cut]
    plan.omit = frozenset(rng.sample(candidates, min(len(candidates) - 1, rng.randint(1, 3))))


# ---- applying ----------------------------------------------------------------------------------------------

_SKIP = object()


def day_of(value: object) -> int | None:
    """The day of a date held as ``date``, ISO text (date or timestamp) or UK text, else ``None``."""
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, str) and len(value) >= 10:
        try:
            if value[4] == "-":
                return date.fromisoformat(value[:10]).toordinal()
            if value[2] == "/":
                return date(int(value[6:10]), int(value[3:5]), int(value[:2])).toordinal()
        except ValueError:
            return None
    return None


def with_day(value: object, day: int) -> object:
    """``value`` moved to ``day``, in the same representation (a timestamp keeps its time and offset)."""
    if isinstance(value, date):
        return date.fromordinal(day)
    text = str(value)
    if len(text) >= 10 and text[2] == "/":
        return uk(day)
    return iso(day) + text[10:]


def _apply_row_fault(entity: Entity, out: list[object], code: str, salt: int, extract_day: int) -> Note | None:
    columns = entity.columns
    if code == "blank_key":
        key = columns.index(entity.key)
        raw, out[key] = out[key], None
        return Note(code, entity.key, "") if raw else None
    assert entity.start is not None
    start = columns.index(entity.start)
    start_day = day_of(out[start])
    if start_day is None:
        return None
    if code == "end_before_start":
        assert entity.end is not None
        end = columns.index(entity.end)
        template = out[end] if out[end] else out[start]
        out[end] = with_day(template, start_day - 1 - salt % 30)
        return Note(code, entity.end, out[end])
    if code == "start_after_extract":
        shift = extract_day + 1 + salt % 60 - start_day
        out[start] = with_day(out[start], start_day + shift)
        if entity.end is not None:
            end = columns.index(entity.end)
            end_day = day_of(out[end])
            if end_day is not None:
                out[end] = with_day(out[end], end_day + shift)
        return Note(code, entity.start, out[start])
    if code == "unparseable_required_date":
        bad = BAD_DATES[salt % len(BAD_DATES)]
        original = out[start]
        out[start] = bad + original[10:] if isinstance(original, str) and bad[4:5] == "-" else bad
        return Note(code, entity.start, out[start])
    if code == "placeholder_required_date":
        out[start] = with_day(out[start], _PLACEHOLDER_DAY)
        return Note(code, entity.start, out[start])
    raise ValueError(code)  # pragma: no cover


def _field_fault(entity: Entity, column: int, code: str, value: object, salt: int, extract_day: int) -> object:
    """The faulty value, or ``_SKIP`` where the fault cannot land on this value."""
    if value is None or value == "":
        return _SKIP
    if code.startswith("nhs_"):
        return _nhs_fault(code, str(value), salt)
    if code.startswith("code_"):
        return _code_fault(entity, entity.columns[column], code, str(value), salt)
    if code == "optional_date_placeholder":
        return with_day(value, _PLACEHOLDER_DAY) if day_of(value) is not None else _SKIP
    if code == "optional_date_future":
        return with_day(value, extract_day + 1 + salt % 365) if day_of(value) is not None else _SKIP
    if code == "postcode_format":
        text = str(value)
        return text.lower() if salt % 2 else text.replace(" ", "")
    raise ValueError(code)  # pragma: no cover


def _nhs_fault(code: str, value: str, salt: int) -> object:
    if code == "nhs_blank":
        return None
    if code == "nhs_spaced":
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    if code == "nhs_dashed":
        return f"{value[:3]}-{value[3:6]}-{value[6:]}"
    if code == "nhs_mod11":
        wrong = (int(value[9]) + 1 + salt % 9) % 10
        return value[:9] + str(wrong)
    return PLACEHOLDER_NHS[salt % len(PLACEHOLDER_NHS)]


def _code_fault(entity: Entity, column: str, code: str, value: str, salt: int) -> object:
    if code == "code_release1":
        return entity.release1.get(column, {}).get(value, _SKIP)
    if code == "code_null_text":
        return "NULL"
    if code == "code_unknown":
        return UNKNOWN_CODES[salt % len(UNKNOWN_CODES)]
    valid = set(entity.code_columns[column])
    variants = [
        candidate
        for candidate in (value.upper(), value.lower(), value + " ", " " + value, value.replace(": ", ":"))
        if candidate != value and candidate not in valid
    ]
    return variants[salt % len(variants)]
