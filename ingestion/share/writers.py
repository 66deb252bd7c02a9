"""Write a board pack to a folder: a CSV per table, one workbook, the HTML report, and ``manifest.json``.

The files are reproducible: the same pack gives the same bytes (CSV with ``\\n`` line ends; the workbook with a
fixed creation date and zip timestamps), so a re-run of a quarter whose figures did not change has the same
checksums. Two files carry the time they were made: ``manifest.json`` (its ``generated_at``) and the HTML report
(rendered by ``ingestion.report.board_report``, which prints it); both are left out of the pack's fingerprint
(:func:`fingerprint`). The report shows exactly the tables and notes the CSV files and the workbook hold, so the
fingerprint still covers all the pack says.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ingestion.share.pack import BoardPack
from ingestion.share.tables import PackTable

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

MANIFEST = "manifest.json"
WORKBOOK = "safeguarding_board_pack.xlsx"
REPORT = "safeguarding_board_pack.html"
EXTRACT_FILE = "audit_concerns_pseudonymised.csv"
NOTES_SHEET = "Notes"
TIMESTAMPED = (MANIFEST, REPORT)  # files whose bytes include the time they were made
REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SharedFile:
    """One file of a pack: its name in the pack folder, sha256 and size."""

    name: str
    sha256: str
    size_bytes: int

    @classmethod
    def of(cls, path: Path, folder: Path) -> SharedFile:
        return cls(path.relative_to(folder).as_posix(), sha256_file(path), path.stat().st_size)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_pack(pack: BoardPack, folder: Path, *, title: str) -> list[SharedFile]:
    """Write every file of ``pack`` into ``folder`` (created; must be empty), then the manifest; return the files
    (the manifest last)."""
    from ingestion.report.board_report import render_board_report

    folder.mkdir(parents=True, exist_ok=False)
    tables_folder = folder / "tables"
    tables_folder.mkdir()
    for table in pack.tables:
        write_csv(table.frame, tables_folder / f"{table.name}.csv")
    write_csv(pack.extract, folder / EXTRACT_FILE)
    write_workbook(pack.tables, pack.notes, folder / WORKBOOK, created=pack.quarter.end)
    render_board_report(
        {table.name: table.frame for table in pack.tables}, title=title, notes=pack.notes, out=folder / REPORT
    )
    files = [SharedFile.of(path, folder) for path in sorted(folder.rglob("*")) if path.is_file()]
    manifest = folder / MANIFEST
    manifest.write_text(json.dumps(_manifest(pack, title, files), indent=2) + "\n", encoding="utf-8")
    return [*files, SharedFile.of(manifest, folder)]


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_workbook(tables: Sequence[PackTable], notes: Sequence[str], path: Path, *, created: date) -> None:
    """One sheet per table (its title in the first row), and a sheet of notes; suppressed cells stay text."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True, "nan_inf_to_errors": True})
    workbook.set_properties({"title": path.stem, "created": datetime.combine(created, datetime.min.time())})
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(NOTES_SHEET)
    sheet.set_column(0, 0, 120)
    for row, note in enumerate(notes):
        sheet.write_string(row, 0, note)
    for table in tables:
        sheet = workbook.add_worksheet(table.name[:31])
        sheet.write_string(0, 0, table.title, bold)
        for column, name in enumerate(table.frame.columns):
            sheet.write_string(2, column, str(name), bold)
            sheet.set_column(column, column, 14 if column else 48)
        for row, values in enumerate(table.frame.itertuples(index=False), start=3):
            for column, value in enumerate(values):
                _write_cell(sheet, row, column, value)
    workbook.close()


def _write_cell(sheet: Worksheet, row: int, column: int, value: object) -> None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return
    if isinstance(value, bool | str):
        sheet.write_string(row, column, str(value))
    else:
        sheet.write_number(row, column, float(value) if isinstance(value, float) else int(value))


def _manifest(pack: BoardPack, title: str, files: Iterable[SharedFile]) -> dict[str, object]:
    periods = pack.quarter.periods()
    return {
        "title": title,
        "quarter": pack.quarter.label,
        "periods": {name: {"start": p.start.isoformat(), "end": p.end.isoformat()} for name, p in periods.items()},
        "data_to": pack.data_to.isoformat() if pack.data_to else None,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "files": [{"name": f.name, "sha256": f.sha256, "size_bytes": f.size_bytes} for f in files],
    }


def fingerprint(files: Iterable[SharedFile]) -> str:
    """One checksum of a pack's content: its files' names and sha256, the two that carry a time left out."""
    lines = sorted(f"{f.name}\t{f.sha256}" for f in files if f.name not in TIMESTAMPED)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def code_version() -> str:
    """The package version and, in a git checkout, the commit (``+dirty`` with uncommitted changes)."""
    version = metadata.version("ascwh")
    try:
        commit = _git("rev-parse", "--short=12", "HEAD")
        dirty = "+dirty" if _git("status", "--porcelain", "--untracked-files=no") else ""
    except (OSError, subprocess.CalledProcessError):
        return version
    return f"{version} ({commit}{dirty})"


def _git(*args: str) -> str:
    result = subprocess.run(["git", "-C", str(REPOSITORY), *args], capture_output=True, text=True, check=True)
    return result.stdout.strip()
