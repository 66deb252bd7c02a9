"""The Carers Hub's hand-made monthly workbook, written with xlsxwriter, faults included.

Layout of a sheet: the header on row 1, data from row 2; with ``merged_header`` a title ("Carers Hub return
March 2024") merged across all columns on row 1, the header on row 2 and data from row 3. ``blank_rows``
leaves one to three empty rows between data rows; ``totals_row`` adds, after the data, a row with ``Total``
in the first column and the number of data rows in the second. Dates are real Excel dates (``dd/mm/yyyy``
format), some UK text (``uk_date``) and a few bare serial numbers (``excel_serial_date``).

``uk_date`` and ``excel_serial_date`` are normal variation, not faults: ``faults.csv`` lists a sample of them
(the first few cells per sheet and code), not every cell.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time
from multiprocessing import get_context
from pathlib import Path

import xlsxwriter

from ingestion.aliases import SHEET_ALIASES
from ingestion.faults import FAULTS, Outcome

from .delivery import Deliverer, Written
from .injector import (
    HEADER_CODES,
    LAYOUT_CODES,
    ROW_CODES,
    Note,
    TablePlan,
    draw_file_codes,
    plan_omissions,
    plan_table,
)
from .schema import CARERS, Entity
from .timefmt import uk

SAMPLES_PER_SHEET = 5  # uk_date / excel_serial_date cells listed in faults.csv per sheet and code
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
Table = tuple[Entity, list[list[object]], dict[int, tuple[tuple[str, str], ...]]]  # rows and semantic notes


@dataclass
class _Job:
    """One monthly return to write in the background: its plans and rows, and where it goes."""

    file_name: str
    extract_day: int
    title: str
    plans: list[TablePlan]
    tables: Sequence[Table]
    salt: int
    whole: str | None  # empty_file or truncated (the whole workbook)
    resend: str | None
    path: Path
    resend_path: Path


@dataclass
class _Produced:
    """What writing a return put on disk: per delivery, its hash, size and per-sheet row counts and faults."""

    first: tuple[str, int, list[Written]]
    resend: tuple[str, int, list[Written]] | None = None


class Workbooks:
    """Plans each monthly return in the simulation's process and writes it in a background one (xlsxwriter
    is slow, the machine has a second core). Truth is recorded when a return is finished, in order."""

    def __init__(self, deliverer: Deliverer) -> None:
        self.deliverer = deliverer
        self._pool: ProcessPoolExecutor | None = None
        self._pending: list[tuple[_Job, Future[_Produced]]] = []

    def deliver(self, file_name: str, extract_day: int, title: str, tables: Sequence[Table]) -> None:
        deliverer = self.deliverer
        rng = deliverer.rng_for("carers_hub", file_name)
        rates = deliverer.rates
        whole = next((code for code in ("empty_file", "truncated") if rng.random() < rates(code, CARERS)), None)
        plans = []
        for entity, rows, _ in tables:
            codes = _sheet_codes(rng, deliverer, entity, len(rows))
            plans.append(plan_table(rng, rates, entity, len(rows), extract_day, "xlsx", file_codes=codes))
        if whole == "empty_file":  # nothing of the sheets reaches the bytes
            for plan in plans:
                plan.file_faults.clear()
        resend = deliverer.redelivery(rng, CARERS, len(tables[0][1]))
        if resend == "corrected_resend":
            plan_omissions(rng, plans[0])
        elif _unloadable(whole, plans):
            resend = "corrected_resend"  # the return is the month's only delivery: the Hub is asked to send it again
        job = _Job(file_name, extract_day, title, plans, tables, rng.getrandbits(32), whole, resend,
                   deliverer.path("first", "carers_hub", file_name),
                   deliverer.path("redelivery", "carers_hub", file_name))  # fmt: skip
        self.collect()
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
        self._pending.append((job, self._pool.submit(_produce, job)))

    def collect(self) -> None:
        """Wait for the returns being written and record their truth."""
        for job, future in self._pending:
            self._record(job, future.result())
        self._pending.clear()

    def close(self) -> None:
        try:
            self.collect()
        finally:
            if self._pool is not None:
                self._pool.shutdown()

    def _record(self, job: _Job, produced: _Produced) -> None:
        deliverer, truth, name = self.deliverer, self.deliverer.truth, job.file_name
        sha256, size, written = produced.first
        late = deliverer.arrive("first", "carers_hub", name, job.extract_day)
        whole = [code for code in (job.whole, "late_delivery" if late else None) if code]  # of the whole workbook
        codes = whole + [code for plan in job.plans for code in plan.codes]
        truth.file("first", "carers_hub", name, job.extract_day, sha256, size, list(dict.fromkeys(codes)))
        for code in whole:
            truth.fault("first", "carers_hub", name, "", None, None, "", code)
        for plan, table_written in zip(job.plans, written, strict=True):
            deliverer.record_table("first", plan, name, table_written)
        if job.resend:
            deliverer.arrive("redelivery", "carers_hub", name, job.extract_day)
        if job.resend == "duplicate_delivery":
            sheets = [(plan.entity, table_written) for plan, table_written in zip(job.plans, written, strict=True)]
            deliverer.record_duplicate("carers_hub", name, job.extract_day, sha256, size, sheets)
        elif job.resend == "corrected_resend" and produced.resend is not None:
            sha256, size, written = produced.resend
            truth.file("redelivery", "carers_hub", name, job.extract_day, sha256, size, [job.resend])
            truth.fault("redelivery", "carers_hub", name, "", None, None, "", job.resend)
            for plan, table_written in zip(job.plans, written, strict=True):
                deliverer.record_table("redelivery", plan.corrected(), name, table_written)


def _produce(job: _Job) -> _Produced:
    """Write a return (and its re-send); runs in the background process."""
    created = datetime.combine(date.fromordinal(job.extract_day), time(17, 30))
    if job.whole == "empty_file":
        job.path.write_bytes(b"")
        written = [Written() for _ in job.tables]
    else:
        written = _write(job.path, job.plans, job.tables, job.title, created, job.salt, first=True)
        if job.whole == "truncated":
            data = job.path.read_bytes()
            job.path.write_bytes(data[: int(len(data) * random.Random(job.salt).uniform(0.3, 0.9))])
    produced = _Produced((*_digest(job.path), written))
    if job.resend == "duplicate_delivery":
        shutil.copyfile(job.path, job.resend_path)
    elif job.resend == "corrected_resend":
        corrected = [plan.corrected() for plan in job.plans]
        written = _write(job.resend_path, corrected, job.tables, job.title, created, job.salt, first=False)
        produced.resend = (*_digest(job.resend_path), written)
    return produced


# a fault that quarantines a whole return until it is re-sent (a volume anomaly is released, not re-sent)
UNLOADABLE = frozenset(
    code for code, (_, outcome) in FAULTS.items() if outcome == Outcome.QUARANTINED and code != "volume_anomaly"
)


def _unloadable(whole: str | None, plans: Sequence[TablePlan]) -> bool:
    """Whether ingestion may quarantine the return: the whole workbook, or a sheet, has such a fault (a sheet with
    only its header is quarantined only where that sheet usually has rows; the re-send is harmless otherwise)."""
    return whole is not None or any(UNLOADABLE.intersection(plan.codes) for plan in plans)


def _sheet_codes(rng: random.Random, deliverer: Deliverer, entity: Entity, n: int) -> list[str]:
    """A sheet's file-level faults: missing, or renamed, header and content faults, and layout faults."""
    rates = deliverer.rates
    if rng.random() < rates("sheet_missing", entity):
        return ["sheet_missing"]
    codes = ["sheet_renamed_alias"] if rng.random() < rates("sheet_renamed_alias", entity) else []
    codes += draw_file_codes(rng, rates, entity, "xlsx", n)
    with_rows = n >= 2 and "header_only" not in codes
    codes += [
        code for code in LAYOUT_CODES if rng.random() < rates(code, entity) and (with_rows or code == "merged_header")
    ]
    assert sum(code in HEADER_CODES for code in codes) <= 1
    return codes


def _digest(path: Path) -> tuple[str, int]:
    data = path.read_bytes()
    return hashlib.sha256(data).hexdigest(), len(data)


def _write(
    path: Path,
    plans: Sequence[TablePlan],
    tables: Sequence[Table],
    title: str,
    created: datetime,
    salt: int,
    *,
    first: bool,
) -> list[Written]:
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_urls": False, "strings_to_formulas": False}
    )
    workbook.set_properties({"created": created, "author": "Carers Hub", "title": title})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    title_format = workbook.add_format({"bold": True, "align": "center"})
    header_format = workbook.add_format({"bold": True})
    results = []
    for plan, (entity, rows, notes) in zip(plans, tables, strict=True):
        written = Written()
        results.append(written)
        if plan.has("sheet_missing"):
            continue
        renamed = next((fault.raw_value for fault in plan.file_faults if fault.code == "sheet_renamed_alias"), None)
        sheet = workbook.add_worksheet(renamed or SHEET_ALIASES[entity.name][0])
        layout = plan.layout
        header = layout.header()
        sources = layout.sources()
        row_number = 0
        if plan.has("merged_header"):
            sheet.merge_range(0, 0, 0, len(header) - 1, title, title_format)
            row_number = 1
        sheet.write_row(row_number, 0, header, header_format)
        delivered = [position for position in range(len(rows)) if plan.delivered(position)]
        blank_before: set[int] = set()
        if plan.has("blank_rows") and len(delivered) > 1:
            gaps = random.Random(salt ^ len(rows))
            blank_before = set(gaps.sample(range(1, len(delivered)), min(len(delivered) - 1, gaps.randint(1, 3))))
        samples = {"uk_date": 0, "excel_serial_date": 0}
        key = entity.columns.index(entity.key)
        for ordinal, position in enumerate(delivered):
            row_number += 1 + (ordinal in blank_before)
            values = rows[position]
            faulty, row_notes = plan.apply(position, values)
            laid_out = layout.row(values if faulty is None else faulty, position)
            for column, value in enumerate(laid_out):
                if value is None or value == "":
                    continue
                if isinstance(value, date):
                    source = sources[column]
                    form = plan.date_forms.get((position, source)) if source is not None else None
                    if form == "uk_date":
                        value = uk(value.toordinal())
                        sheet.write_string(row_number, column, value)
                    elif form == "excel_serial_date":
                        value = value.toordinal() - _EXCEL_EPOCH
                        sheet.write_number(row_number, column, value)
                    else:
                        sheet.write_datetime(row_number, column, value, date_format)
                    if form is not None and samples[form] < SAMPLES_PER_SHEET and faulty is None:
                        samples[form] += 1
                        row_notes.append(Note(form, entity.columns[source], value))  # type: ignore[index]
                else:
                    sheet.write_string(row_number, column, str(value))
            written.data_rows += 1
            if not any(note.code in ROW_CODES for note in row_notes):
                written.good_rows += 1
            record_key = "" if any(note.code == "blank_key" for note in row_notes) else str(values[key] or "")
            extra = (
                [Note(code, name, "") for code, name in notes.get(position, ()) if not plan.dropped(name)]
                if first
                else []
            )
            for note in row_notes + extra:
                written.notes.append((row_number + 1, record_key, note))
        if plan.has("totals_row") and delivered:
            row_number += 1
            sheet.write_string(row_number, 0, "Total")
            sheet.write_number(row_number, 1, len(delivered))
    workbook.close()
    return results
