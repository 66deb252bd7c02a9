"""Ground truth, streamed to ``OUT/truth/`` while the simulation runs.

``people.csv`` is written at the end from the population; every other file grows row by row, so the truth of
a long run never sits in memory.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import TextIO

from ingestion.faults import expected_outcome

from . import codes
from .population import ETHNICITY_LABELS, LOCALITIES, Population
from .timefmt import iso

COUNCIL_ID = "P{:07d}"
TRUST_ID = "RIO{:07d}"
CARER_REF = "CH{:06d}"

_HEADERS: dict[str, tuple[str, ...]] = {
    "identities": ("system", "source_id", "person_uid"),
    "files": ("delivery", "feed", "file_name", "extract_date", "sha256", "size_bytes", "faults"),
    "file_entities": ("delivery", "feed", "file_name", "entity", "data_rows", "good_rows"),
    "faults": (
        "delivery",
        "feed",
        "file_name",
        "entity",
        "source_row",
        "record_key",
        "column",
        "fault",
        "expected_outcome",
        "raw_value",
    ),
}
_SEX = ("Female", "Male")
_SYSTEM_BITS = {"council": 1, "health": 2, "carers_hub": 4}
_APPEARS = 128
assert set(_SEX) <= set(codes.CLD_GENDER)


def person_uid(person: int) -> str:
    return f"U{person + 1:08d}"


class Truth:
    """Writers for the ground-truth files, and counts for the run summary."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._handles: dict[str, TextIO] = {}
        self._writers = {}
        for name, header in _HEADERS.items():
            handle = (folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
            self._handles[name] = handle
            self._writers[name] = csv.writer(handle, lineterminator="\n")
            self._writers[name].writerow(header)
        self._bits = bytearray()  # per person: which person-level identities were emitted, and _APPEARS
        self.fault_counts: Counter[str] = Counter()
        self.files_written: Counter[str] = Counter()
        self.rows_written: Counter[str] = Counter()

    def identity(self, system: str, source_id: str, person: int) -> None:
        """A source identity seen in a delivered file (callers emit each record-level identity once)."""
        self._writers["identities"].writerow((system, source_id, person_uid(person)))
        self._mark(person, _APPEARS)

    def person_identity(self, system: str, source_id: str, person: int) -> None:
        """A person-level identity (council id, trust id, carer ref), emitted the first time it is seen."""
        bit = _SYSTEM_BITS[system]
        if person >= len(self._bits) or not self._bits[person] & bit:
            self.identity(system, source_id, person)
            self._mark(person, bit)

    def _mark(self, person: int, bit: int) -> None:
        if person >= len(self._bits):
            self._bits.extend(bytes(person + 1 - len(self._bits) + 4096))
        self._bits[person] |= bit

    def file(
        self, delivery: str, feed: str, file_name: str, extract_day: int, sha256: str, size: int, faults: list[str]
    ) -> None:
        self._writers["files"].writerow((delivery, feed, file_name, iso(extract_day), sha256, size, ";".join(faults)))
        self.files_written[f"{delivery}:{feed}"] += 1

    def file_entity(
        self, delivery: str, feed: str, file_name: str, entity: str, data_rows: int, good_rows: int
    ) -> None:
        self._writers["file_entities"].writerow((delivery, feed, file_name, entity, data_rows, good_rows))
        if delivery == "first":
            self.rows_written[f"{feed}.{entity}"] += data_rows

    def fault(
        self,
        delivery: str,
        feed: str,
        file_name: str,
        entity: str,
        source_row: int | None,
        record_key: str | None,
        column: str,
        fault: str,
        raw_value: object = "",
    ) -> None:
        raw = "" if raw_value is None else str(raw_value)
        self._writers["faults"].writerow(
            (
                delivery,
                feed,
                file_name,
                entity,
                "" if source_row is None else source_row,
                record_key or "",
                column,
                fault,
                expected_outcome(fault).value,
                raw,
            )
        )
        self.fault_counts[fault] += 1

    def close(self, population: Population, end_day: int) -> int:
        """Write ``people.csv`` (everyone who appears in some delivered file) and close all files."""
        for handle in self._handles.values():
            handle.close()
        count = 0
        with (self.folder / "people.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(
                (
                    "person_uid",
                    "council_id",
                    "trust_local_id",
                    "carer_ref",
                    "nhs_number",
                    "first_name",
                    "last_name",
                    "date_of_birth",
                    "sex",
                    "ethnicity",
                    "postcode",
                    "locality",
                )
            )
            for person in range(len(population)):
                if person >= len(self._bits) or not self._bits[person]:
                    continue
                first, last = population.name(person)
                council, trust, carer = (
                    population.council_id[person],
                    population.trust_id[person],
                    population.carer_ref[person],
                )
                writer.writerow(
                    (
                        person_uid(person),
                        COUNCIL_ID.format(council) if council else "",
                        TRUST_ID.format(trust) if trust else "",
                        CARER_REF.format(carer) if carer else "",
                        population.nhs_number(person),
                        first,
                        last,
                        iso(population.dob[person]),
                        _SEX[population.sex[person]],
                        ETHNICITY_LABELS[population.ethnicity[person]],
                        population.postcode_at(person, end_day),
                        LOCALITIES[population.locality[person]],
                    )
                )
                count += 1
        return count
