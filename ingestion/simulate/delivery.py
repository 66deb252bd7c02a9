"""Delivering files: draw a table's faults, stream its rows to disk, re-send it, give each file its arrival time
(:mod:`.arrival`), and record the truth.

Every CSV and JSON Lines file of every feed goes through :meth:`Deliverer.table`; the Carers Hub workbook
goes through :mod:`.workbook`, which shares the planning and the truth recording here.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from .arrival import arrival, is_late
from .formats import csv_cut, csv_line, json_cut, json_line
from .injector import ROW_CODES, FileFault, Note, Rates, TablePlan, plan_omissions, plan_table
from .rng import mix, text_id
from .schema import Entity
from .truth import Truth

BOM = b"\xef\xbb\xbf"
_FLUSH_EVERY = 4000


class Row:
    """One record of a table: values in the entity's column order, a cached rendering, semantic notes.

    Snapshot feeds keep their rows between deliveries, so the rendering is done once per change of the
    record. ``notes`` are semantic facts (``restated_event``...) recorded the first time the row is delivered.
    """

    __slots__ = ("line", "notes", "values")

    def __init__(self, values: list[object], notes: tuple[tuple[str, str], ...] = ()) -> None:
        self.values = values
        self.line: str | None = None
        self.notes = notes


class Rows(Protocol):
    """A table's rows: counted up front, iterated once per delivery (twice for a corrected re-send)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Row]: ...


@dataclass
class Written:
    """What one delivery of one table put on disk."""

    data_rows: int = 0
    good_rows: int = 0
    non_ascii: bool = False
    notes: list[tuple[int, str, Note]] = field(default_factory=list)  # (source row, record key, note)


class _Sink:
    """A binary file that also hashes and counts what is written."""

    def __init__(self, handle: BinaryIO, encoding: str) -> None:
        self.handle, self.encoding = handle, encoding
        self.sha = hashlib.sha256()
        self.size = 0
        self.non_ascii = False

    def write_bytes(self, data: bytes) -> None:
        self.handle.write(data)
        self.sha.update(data)
        self.size += len(data)

    def write(self, parts: list[str]) -> None:
        text = "".join(parts)
        parts.clear()
        if not self.non_ascii and not text.isascii():
            self.non_ascii = True
        self.write_bytes(text.encode(self.encoding))


class Deliverer:
    """Writes first deliveries to ``OUT/<feed>/`` and re-sends to ``OUT/redeliveries/<feed>/``."""

    def __init__(self, out: Path, rates: Rates, seed: int, truth: Truth) -> None:
        self.out, self.rates, self.seed, self.truth = out, rates, seed, truth

    def rng_for(self, feed: str, file_name: str) -> random.Random:
        return random.Random(mix(self.seed, text_id(f"{feed}/{file_name}")))

    def path(self, delivery: str, feed: str, file_name: str) -> Path:
        folder = self.out / feed if delivery == "first" else self.out / "redeliveries" / feed
        folder.mkdir(parents=True, exist_ok=True)
        return folder / file_name

    def arrive(self, delivery: str, feed: str, file_name: str, extract_day: int) -> bool:
        """Give a written file its arrival time as modification time (:mod:`.arrival`); return whether the
        extract date's delivery is late (``late_delivery``, recorded on the first delivery)."""
        late = is_late(self.seed, feed, extract_day, self.rates("late_delivery"))
        when = arrival(self.seed, feed, file_name, extract_day, late=late, redelivery=delivery != "first")
        os.utime(self.path(delivery, feed, file_name), (when, when))
        return late

    def redelivery(self, rng: random.Random, entity: Entity, n: int) -> str | None:
        """Whether a file is re-sent: ``duplicate_delivery``, ``corrected_resend`` or ``None``."""
        if rng.random() < self.rates("duplicate_delivery", entity):
            return "duplicate_delivery"
        if n >= 2 and rng.random() < self.rates("corrected_resend", entity):
            return "corrected_resend"
        return None

    # ---- CSV and JSON Lines ---------------------------------------------------------------------------

    def table(self, entity: Entity, file_name: str, extract_day: int, rows: Rows, fmt: str) -> None:
        """Deliver one CSV (``fmt="csv"``) or JSON Lines (``"jsonl"``) file of one entity."""
        rng = self.rng_for(entity.feed, file_name)
        plan = plan_table(rng, self.rates, entity, len(rows), extract_day, fmt)
        resend = self.redelivery(rng, entity, len(rows))
        if resend == "corrected_resend":
            plan_omissions(rng, plan)
        salt = rng.getrandbits(32)
        path = self.path("first", entity.feed, file_name)
        with path.open("wb") as handle:
            sink, written = self._write(handle, plan, rows, fmt, salt, first=True)
        if plan.has("windows_1252") and not written.non_ascii:
            # an ASCII file reads the same either way: nothing went wrong
            plan.file_faults = [fault for fault in plan.file_faults if fault.code != "windows_1252"]
        if self.arrive("first", entity.feed, file_name, extract_day):
            plan.file_faults.append(FileFault("late_delivery"))
        self.record("first", plan, file_name, sink.sha.hexdigest(), sink.size, written)
        if resend == "duplicate_delivery":
            target = self.path("redelivery", entity.feed, file_name)
            shutil.copyfile(path, target)
            self.arrive("redelivery", entity.feed, file_name, extract_day)
            self.record_duplicate(
                entity.feed, file_name, extract_day, sink.sha.hexdigest(), sink.size, [(entity, written)]
            )
        elif resend == "corrected_resend":
            corrected = plan.corrected()
            with self.path("redelivery", entity.feed, file_name).open("wb") as handle:
                sink, written = self._write(handle, corrected, rows, fmt, salt, first=False)
            self.arrive("redelivery", entity.feed, file_name, extract_day)
            self.record("redelivery", corrected, file_name, sink.sha.hexdigest(), sink.size, written, resend)

    def _write(
        self, handle: BinaryIO, plan: TablePlan, rows: Rows, fmt: str, salt: int, *, first: bool
    ) -> tuple[_Sink, Written]:
        sink = _Sink(handle, "cp1252" if plan.has("windows_1252") else "utf-8")
        written = Written()
        if plan.has("empty_file"):
            return sink, written
        if plan.has("bom"):
            sink.write_bytes(BOM)
        layout, entity = plan.layout, plan.entity
        names = layout.header()
        parts: list[str] = [csv_line(names)] if fmt == "csv" else []
        if plan.has("header_only"):
            sink.write(parts)
            return sink, written
        key = entity.columns.index(entity.key)
        special = plan.special_positions()
        # a cached rendering fits the canonical layout (JSON repeats the names in every line)
        cacheable = layout.canonical and (fmt == "csv" or layout.names == list(entity.columns))
        every_row_special = plan.keep is not None or not cacheable
        for position, row in enumerate(rows):
            if every_row_special or position in special:
                if not plan.delivered(position):
                    continue
                if position == plan.cut:
                    laid_out = layout.row(row.values, position)
                    cut = csv_cut(laid_out, salt) if fmt == "csv" else json_cut(json_line(names, laid_out), salt)
                    parts.append(cut)
                    written.data_rows += 1
                    written.good_rows += 1
                    break
                faulty, notes = plan.apply(position, row.values)
                if faulty is None and cacheable:
                    parts.append(self._line(row, fmt, names))
                else:
                    laid_out = layout.row(row.values if faulty is None else faulty, position)
                    parts.append(csv_line(laid_out) if fmt == "csv" else json_line(names, laid_out))
                written.data_rows += 1
                if not any(note.code in ROW_CODES for note in notes):
                    written.good_rows += 1
                record_key = str(row.values[key] or "")
                for note in notes:
                    written.notes.append((written.data_rows, "" if note.code == "blank_key" else record_key, note))
            else:
                line = row.line
                parts.append(line if line is not None else self._line(row, fmt, names))
                written.data_rows += 1
                written.good_rows += 1
            if first and row.notes:
                record_key = str(row.values[key] or "")
                for code, column in row.notes:
                    if not plan.dropped(column):
                        written.notes.append((written.data_rows, record_key, Note(code, column, "")))
                row.notes = ()
            if len(parts) >= _FLUSH_EVERY:
                sink.write(parts)
        sink.write(parts)
        written.non_ascii = sink.non_ascii
        return sink, written

    @staticmethod
    def _line(row: Row, fmt: str, names: list[str]) -> str:
        """The row's canonical rendering, cached on the row."""
        if row.line is None:
            row.line = csv_line(row.values) if fmt == "csv" else json_line(names, row.values)
        return row.line

    # ---- truth ----------------------------------------------------------------------------------------

    def record(
        self,
        delivery: str,
        plan: TablePlan,
        file_name: str,
        sha256: str,
        size: int,
        written: Written,
        resend: str | None = None,
    ) -> None:
        """Truth for a one-table file: files.csv, file_entities.csv, and every fault it carries."""
        entity = plan.entity
        codes = [resend] if resend else plan.codes
        self.truth.file(delivery, entity.feed, file_name, plan.extract_day, sha256, size, codes)
        self.record_table(delivery, plan, file_name, written, resend)

    def record_table(
        self, delivery: str, plan: TablePlan, file_name: str, written: Written, resend: str | None = None
    ) -> None:
        """Truth for one table (a file or a sheet): its row counts, file-level faults and row faults."""
        entity, truth = plan.entity, self.truth
        truth.file_entity(delivery, entity.feed, file_name, entity.name, written.data_rows, written.good_rows)
        for fault in plan.file_faults:
            truth.fault(
                delivery, entity.feed, file_name, entity.name, None, None, fault.column, fault.code, fault.raw_value
            )
        if resend:
            truth.fault(delivery, entity.feed, file_name, entity.name, None, None, "", resend)
        for source_row, record_key, note in written.notes:
            truth.fault(
                delivery,
                entity.feed,
                file_name,
                entity.name,
                source_row,
                record_key,
                note.column,
                note.code,
                note.raw_value,
            )

    def record_duplicate(
        self,
        feed: str,
        file_name: str,
        extract_day: int,
        sha256: str,
        size: int,
        tables: list[tuple[Entity, Written]],
    ) -> None:
        """Truth for a duplicate delivery: the same bytes again, to be ignored."""
        truth = self.truth
        truth.file("redelivery", feed, file_name, extract_day, sha256, size, ["duplicate_delivery"])
        for entity, written in tables:
            truth.file_entity("redelivery", feed, file_name, entity.name, written.data_rows, written.good_rows)
        entity_name = tables[0][0].name if len(tables) == 1 else ""
        truth.fault("redelivery", feed, file_name, entity_name, None, None, "", "duplicate_delivery")
