"""The Safeguarding Adults Board's data share (ingestion/share).

- disclosure control: the algorithm on crafted and random tables, and every published table of a real pack;
- no direct identifier of the simulated people (from the simulator's truth and the raw tables) in any shared file;
- delivery to the outbox, and over SFTP to the loopback server of tests/test_transfer.py;
- an idempotent re-run of a quarter, and a changed pack replacing the old one;
- a missing pseudonymisation key stops the share with a clear error.

The pack is built on the small simulated year of tests/conftest.py (``small_year_built``), for 2023Q4.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from test_transfer import CONN_ID, SftpDrop, sftp_drop  # noqa: F401 (the loopback SFTP server fixture)

from ingestion.settings import Settings
from ingestion.share import pack as pack_module
from ingestion.share.audit import Delivery
from ingestion.share.board import share_quarter
from ingestion.share.deliver import SHARE_FOLDER, STAGING
from ingestion.share.disclosure import (
    SUPPRESSED,
    CountTable,
    Sum,
    count_cell,
    protect,
    ratio,
    rounded,
    secondary_suppression,
    statistic,
)
from ingestion.share.periods import Quarter
from ingestion.share.pseudonymise import KEY_ENV, PseudonymisationKeyMissing, pseudonym, pseudonymisation_key
from ingestion.share.writers import EXTRACT_FILE, MANIFEST, REPORT, WORKBOOK, sha256_file

QUARTER = Quarter(2023, 4)
KEY = "test-only-pseudonymisation-key-0123456789"
KEY_CONNECTION_ENV = "AIRFLOW_CONN_ASCWH_SHARE"

# ---- disclosure control: the algorithm ---------------------------------------------------------------------------


def _frame(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        index=pd.Index([f"r{i}" for i in range(len(rows))], name="row"),
        columns=[f"c{j}" for j in range(len(rows[0]))],
    )


def determined(sums: tuple[Sum, ...], hidden: set) -> set:
    """Suppressed cells whose value the published cells fix, by the null space of the sums over the suppressed
    cells (independent of the module's rank test): a cell is fixed when every null vector is zero there."""
    lines = [line for line in sums if any(cell in hidden for cell in line.cells)]
    unknown = sorted({cell for line in lines for cell in line.cells if cell in hidden}, key=str)
    if not lines:
        return set()
    matrix = np.zeros((len(lines), len(unknown)))
    for row, line in enumerate(lines):
        for cell, sign in ((line.total, -1.0), *((part, 1.0) for part in line.parts)):
            if cell in hidden:
                matrix[row, unknown.index(cell)] += sign
    _, singular, vt = np.linalg.svd(matrix)
    null = vt[int((singular > 1e-9).sum()) :]
    return {cell for i, cell in enumerate(unknown) if np.all(np.abs(null[:, i]) < 1e-9)}


def assert_safe(table: CountTable, hidden: set) -> None:
    """Primary cells hidden; no line with exactly one hidden cell; no hidden cell fixed by the lines."""
    assert {cell for cell in table.cells if 1 <= table.value(cell) <= 7} <= hidden
    for line in table.sums:
        assert sum(cell in hidden for cell in line.cells) != 1, line
    assert determined(table.sums, hidden) == set()
    published = protect(table).set_index(table.counts.index.name)
    for cell in table.cells:
        value = published.at[cell]
        assert value == SUPPRESSED if cell in hidden else value == rounded(table.value(cell))


@pytest.mark.parametrize("count,expected", [(0, 0), (1, "*"), (7, "*"), (8, 10), (12, 10), (13, 15), (102, 100)])
def test_counts_of_1_to_7_are_suppressed_and_others_rounded_to_5(count: int, expected: object) -> None:
    assert count_cell(count) == expected


def test_rates_come_from_rounded_figures_and_small_statistics_are_suppressed() -> None:
    assert ratio(count_cell(13), count_cell(52)) == pytest.approx(100 * 15 / 50)  # not 13/52
    assert ratio(count_cell(5), count_cell(52)) == SUPPRESSED
    assert ratio(count_cell(13), 0) is None
    assert statistic(12.0, 7) == SUPPRESSED and statistic(12.0, 8) == 12.0 and statistic(None, 0) is None


TRICKY = {
    "one small cell in a row": [[3, 20, 40], [25, 30, 35], [40, 50, 60]],
    "the row's only other cell is its total": [[3, 0, 0], [20, 30, 40], [10, 10, 10]],
    "small cells in one column only": [[2, 40], [3, 50], [4, 60]],
    "a single small cell in the table": [[50, 50], [50, 5]],
    "zeros all around a small cell": [[0, 0, 0], [0, 6, 0], [0, 0, 0]],
    "every cell small": [[1, 2], [3, 4]],
    # two blocks of suppressed cells joined by one small cell: every line has two suppressions, yet the bridge
    # follows from the totals; only the linear-algebra check catches it
    "a bridge between two blocks": [
        [3, 3, 50, 50, 50],
        [3, 3, 50, 2, 50],
        [50, 50, 50, 50, 50],
        [50, 50, 50, 3, 3],
        [50, 50, 50, 3, 3],
    ],
}


@pytest.mark.parametrize("rows", TRICKY.values(), ids=TRICKY.keys())
@pytest.mark.parametrize("margins", ["both", "row totals", "column totals"])
def test_no_suppressed_cell_is_recoverable_in_crafted_tables(rows: list[list[int]], margins: str) -> None:
    table = CountTable.with_margins(
        _frame(rows),
        total_row=None if margins == "row totals" else "Total",
        total_column=None if margins == "column totals" else "Total",
    )
    assert_safe(table, secondary_suppression(table))


def test_the_bridge_needs_more_than_the_line_rule() -> None:
    table = CountTable.with_margins(_frame(TRICKY["a bridge between two blocks"]))
    primary = {cell for cell in table.cells if 1 <= table.value(cell) <= 7}
    assert all(sum(cell in primary for cell in line.cells) != 1 for line in table.sums)  # the line rule is content
    assert determined(table.sums, primary) == {("r1", "c3")}  # but the bridge is exposed
    assert_safe(table, secondary_suppression(table))


def test_nested_sums_like_making_safeguarding_personal_are_protected() -> None:
    # as in the pack: "a" (outcomes expressed) is a count of its own that its breakdown e, f, g must add up to
    leaves = pd.DataFrame(
        {"quarter": [12, 3, 9, 0, 5, 0, 7], "year": [40, 12, 30, 2, 20, 6, 14]},
        index=pd.Index(list("abcdefg"), name="row"),
    )
    table = CountTable.nested(leaves, {"ab": ["a", "b"], "all": ["ab", "c", "d"], "a": ["e", "f", "g"]})
    assert len(table.counts) == 9 and len(table.sums) == 6  # three sums in each of two columns
    assert_safe(table, secondary_suppression(table))


def test_a_sum_that_does_not_hold_is_refused() -> None:
    with pytest.raises(ValueError):
        CountTable(_frame([[1, 2, 4]]), (Sum(("r0", "c2"), (("r0", "c0"), ("r0", "c1"))),))


def test_no_suppressed_cell_is_recoverable_in_random_tables() -> None:
    rng = np.random.default_rng(20231231)
    for _ in range(300):
        shape = (int(rng.integers(1, 7)), int(rng.integers(1, 6)))
        kind = rng.choice(3, size=shape, p=[0.3, 0.35, 0.35])
        values = np.where(kind == 0, 0, np.where(kind == 1, rng.integers(1, 8, shape), rng.integers(8, 80, shape)))
        margins = rng.choice(["both", "row totals", "column totals"])
        table = CountTable.with_margins(
            _frame(values.tolist()),
            total_row=None if margins == "row totals" else "Total",
            total_column=None if margins == "column totals" else "Total",
        )
        assert_safe(table, secondary_suppression(table))


# ---- the pack, built and delivered once for the module ---------------------------------------------------------


@pytest.fixture(scope="module")
def key() -> Iterator[bytes]:
    """The pseudonymisation key, as the password of the Airflow connection ``ascwh_share`` (from the environment)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_CONNECTION_ENV, json.dumps({"conn_type": "generic", "password": KEY}))
        patch.delenv(KEY_ENV, raising=False)
        yield pseudonymisation_key()


def _copy_warehouse(built: Settings, home: Path) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    settings = replace(built, warehouse=home / "wh.duckdb")
    shutil.copy(built.warehouse, settings.warehouse)
    return settings


@dataclass
class Shared:
    settings: Settings
    outbox: Path
    folder: Path
    delivery: Delivery
    truth: Path  # the simulator's truth folder


@pytest.fixture(scope="module")
def shared(small_year_built: tuple[Settings, object], key: bytes, tmp_path_factory: pytest.TempPathFactory) -> Shared:
    built, _ = small_year_built
    home = tmp_path_factory.mktemp("share")
    settings = _copy_warehouse(built, home / "warehouse")
    delivery, delivered = share_quarter(settings, QUARTER, outbox=home / "outbox", key=key)
    assert delivered
    folder = home / "outbox" / SHARE_FOLDER / QUARTER.label
    return Shared(settings, home / "outbox", folder, delivery, built.landing / "truth")


def _tables(folder: Path) -> dict[str, list[list[str]]]:
    return {path.stem: list(csv.reader(path.open(encoding="utf-8"))) for path in sorted(folder.glob("tables/*.csv"))}


def test_the_pack_holds_every_table_the_board_needs(shared: Shared) -> None:
    tables = _tables(shared.folder)
    for period in ("quarter", "year_to_date"):
        for name in ("concerns_by_locality", "type_of_risk", "location_of_risk", "source_of_risk", "risk_outcomes"):
            assert f"{name}_{period}" in tables
    assert {"summary", "making_safeguarding_personal", "recording_completeness"} <= set(tables)
    assert any(name.startswith("equity_") for name in tables)  # fct_equity_outcomes is built by the fixture
    summary = {row[0]: row[1:] for row in tables["summary"]}
    assert summary["Concerns per 100,000 adults (annualised)"][-1] == "1313.0"  # England, from the seed
    manifest = json.loads((shared.folder / MANIFEST).read_text())
    assert manifest["quarter"] == "2023Q4" and manifest["code_version"] and manifest["generated_at"]
    listed = {item["name"]: item for item in manifest["files"]}
    on_disk = {p.relative_to(shared.folder).as_posix() for p in shared.folder.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {MANIFEST}
    for name, item in listed.items():
        assert item["sha256"] == sha256_file(shared.folder / name)
        assert item["size_bytes"] == (shared.folder / name).stat().st_size
    assert not list((shared.outbox / STAGING).iterdir())


# ---- disclosure control on the real pack -------------------------------------------------------------------------

TOTAL_COLUMNS = {"Total", "Records", "Enquiries"}


def _is_derived(name: str) -> bool:
    """Rows and columns of rates, shares and medians (computed from published counts), and the England figures."""
    lowered = name.lower()
    return any(word in lowered for word in ("%", "per 100", "median", "england", "ci_", "value", "significant"))


Cell3 = tuple[str, str, str]  # (block: the equity tables' breakdown, else ""; row label; column)


def _count_lines(name: str, header: list[str], rows: list[list[str]]) -> list[list[Cell3]]:
    """The lines (a total, then its parts) of a published table of counts, from its layout."""
    labels = 2 if header[:2] == ["Breakdown", "Group"] else 1
    columns = [c for c in header[labels:] if not _is_derived(c)]
    blocks: dict[str, list[str]] = {}
    for row in rows:
        if not _is_derived(row[labels - 1]):
            blocks.setdefault(row[0] if labels == 2 else "", []).append(row[labels - 1])
    lines: list[list[Cell3]] = []
    for block, block_rows in blocks.items():
        if TOTAL_COLUMNS & set(columns):
            lines += [[(block, row, column) for column in columns] for row in block_rows]
        if name == "making_safeguarding_personal":
            sums = dict(pack_module.MSP_SUMS)
        elif name == "summary":
            sums = {pack_module.STARTED_ROW: ["Section 42 enquiries started", "Other enquiries started"]}
        elif name.startswith("risk_outcomes"):
            identified = [row for row in block_rows if row in pack_module.RISK_OUTCOMES]
            sums = {
                pack_module.RISK_IDENTIFIED: identified,
                "Total": [pack_module.RISK_IDENTIFIED, pack_module.NO_RISK],
            }
        else:
            totals = [row for row in block_rows if row in ("Total", "All")]
            sums = {totals[0]: [row for row in block_rows if row != totals[0]]} if totals else {}
        for total, parts in sums.items():
            lines += [[(block, total, column), *((block, part, column) for part in parts)] for column in columns]
    return lines


def test_no_published_count_is_between_1_and_7_and_no_suppressed_cell_is_recoverable(shared: Shared) -> None:
    suppressed = 0
    for name, (header, *rows) in _tables(shared.folder).items():
        for row in rows:
            for cell in row:
                assert not (cell.isdigit() and 1 <= int(cell) <= 7), (name, row)  # counts are integers
        labels = 2 if header[:2] == ["Breakdown", "Group"] else 1
        cells = {(row[0] if labels == 2 else "", row[labels - 1], column): value
                 for row in rows for column, value in zip(header[labels:], row[labels:], strict=True)}  # fmt: skip
        lines = _count_lines(name, header, rows)
        for line in lines:
            values = [cells[cell] for cell in line]
            assert values.count(SUPPRESSED) != 1, (name, line, values)
        hidden = {cell for line in lines for cell in line if cells[cell] == SUPPRESSED}
        assert determined(tuple(Sum(line[0], tuple(line[1:])) for line in lines), hidden) == set(), name
        suppressed += sum(value == SUPPRESSED for value in cells.values())
        if name.startswith(("equity_", "making_safeguarding_personal", "risk_outcomes", "concerns_by_locality")):
            assert lines, name  # the layout was understood
    assert suppressed > 0  # a small county's quarter has small cells: the checks above had work to do


def test_the_workbook_publishes_what_the_csv_files_do(shared: Shared) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(shared.folder / WORKBOOK, read_only=True)
    for name, (header, *rows) in _tables(shared.folder).items():
        sheet = list(workbook[name[:31]].iter_rows(min_row=3, values_only=True))
        assert [str(c) for c in sheet[0]] == header
        for published, row in zip(sheet[1:], rows, strict=True):
            for value, text in zip(published, row, strict=True):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    assert not (float(value).is_integer() and 1 <= value <= 7 and "." not in text), (name, row)
                    assert float(value) == float(text)
                else:
                    assert (value or "") == text


# ---- no direct identifier in any shared file -------------------------------------------------------------------


@dataclass
class Identifiers:
    nhs_numbers: set[str]
    names: set[str]  # "first last", lower case
    birth_dates: set[str]  # ISO
    postcodes: set[str]  # no spaces, upper case
    ids: set[str]  # council, trust and hub ids, concern and enquiry ids, person keys


def _identifiers(shared: Shared) -> Identifiers:
    """Every direct identifier of the simulated people: from the simulator's truth and the raw safeguarding feed."""
    people = pd.read_csv(shared.truth / "people.csv", dtype=str).fillna("")
    with duckdb.connect(str(shared.settings.warehouse), read_only=True) as conn:
        concerns = (
            conn.execute(
                "select concern_id, la_person_unique_identifier, nhs_number, first_name, last_name, "
                "strftime(date_of_birth, '%Y-%m-%d') as dob, postcode from raw.safeguarding__concerns"
            )
            .df()
            .fillna("")
        )
        enquiries = [v for (v,) in conn.execute("select enquiry_id from raw.safeguarding__enquiries").fetchall()]
        keys = [v for (v,) in conn.execute("select distinct person_key from linkage.person_links").fetchall()]
    names = pd.concat([people["first_name"] + " " + people["last_name"],
                       concerns["first_name"] + " " + concerns["last_name"]])  # fmt: skip
    dobs = pd.concat([people["date_of_birth"], concerns["dob"]])
    return Identifiers(
        nhs_numbers={re.sub(r"\D", "", v) for v in [*people["nhs_number"], *concerns["nhs_number"]]} - {""},
        names={n.strip().lower() for n in names if n.strip()},
        birth_dates={d for d in dobs if d and "1901" <= d <= "2008"},  # placeholders and future dates are no one's
        postcodes={re.sub(r"\s", "", v).upper() for v in [*people["postcode"], *concerns["postcode"]]} - {""},
        ids={v for v in [*people["council_id"], *people["trust_local_id"], *people["carer_ref"],
                         *concerns["concern_id"], *concerns["la_person_unique_identifier"], *enquiries, *keys] if v},
    )  # fmt: skip


def _texts(folder: Path) -> dict[str, str]:
    """The text of every shared file: CSV, manifest and HTML as they are, the workbook's every XML part."""
    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts[path.name] = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
        else:
            texts[path.name] = path.read_text(encoding="utf-8")
    return texts


def _found(text: str, known: Identifiers) -> list[str]:
    """Identifiers of ``known`` that occur in ``text`` (tokens in every format they could be written in)."""
    digits = {re.sub(r"\D", "", m) for m in re.findall(r"\d(?:[ -]?\d){9}", text)}
    dates = set(re.findall(r"\d{4}-\d{2}-\d{2}", text))
    dates |= {f"{y}-{m}-{d}" for d, m, y in re.findall(r"(\d{2})/(\d{2})/(\d{4})", text)}
    postcodes = {
        re.sub(r"\s", "", m).upper() for m in re.findall(r"\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b", text)
    }
    ids = set(re.findall(r"[A-Za-z0-9]+", text))
    words = re.findall(r"[^\W\d_][^\W\d_'\-]*(?:['\-][^\W\d_]+)*", text.lower())
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    found = [*(digits & known.nhs_numbers), *(dates & known.birth_dates), *(postcodes & known.postcodes)]
    return [*found, *(ids & known.ids), *(pairs & known.names)]


def test_no_shared_file_carries_a_direct_identifier(shared: Shared) -> None:
    known = _identifiers(shared)
    assert len(known.nhs_numbers) > 100 and len(known.names) > 100 and len(known.ids) > 100
    texts = _texts(shared.folder)
    assert {REPORT, WORKBOOK, MANIFEST, EXTRACT_FILE} <= set(texts)
    for name, text in texts.items():
        assert _found(text, known) == [], name  # the values found would be personal data: only their count shows
    # the scan would find them: the raw values are in the warehouse, and a leaked one is caught
    assert _found(f"{next(iter(known.names)).title()} {next(iter(known.nhs_numbers))}", known) != []


def test_the_audit_extract_carries_keyed_pseudonyms(shared: Shared, key: bytes) -> None:
    extract = pd.read_csv(shared.folder / EXTRACT_FILE, dtype=str)
    with duckdb.connect(str(shared.settings.warehouse), read_only=True) as conn:
        concerns = conn.execute(
            "select concern_id, person_key from marts.fct_safeguarding_concerns where received_date between $s and $e",
            {"s": QUARTER.start, "e": QUARTER.end},
        ).df()
    assert set(extract["concern_pseudonym"]) == {pseudonym(key, "concern", c) for c in concerns["concern_id"]}
    people = {pseudonym(key, "person", p) for p in concerns["person_key"].dropna()}
    assert set(extract["person_pseudonym"].dropna()) == people
    assert pseudonym(b"another-key-" * 4, "person", "PK1") != pseudonym(key, "person", "PK1")
    assert not {"person_key", "concern_id", "nhs_number", "council_person_id"} & set(extract.columns)


# ---- delivery, idempotency, the key ------------------------------------------------------------------------------


def _audit(settings: Settings) -> pd.DataFrame:
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        return conn.execute("select * from share.deliveries order by delivered_at").df()


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return {p.relative_to(folder).as_posix(): (sha256_file(p), p.stat().st_mtime_ns) for p in files}


def test_rerunning_a_quarter_is_idempotent_and_a_changed_pack_replaces_the_old(
    small_year_built: tuple[Settings, object], key: bytes, tmp_path: Path
) -> None:
    settings = _copy_warehouse(small_year_built[0], tmp_path / "warehouse")
    outbox = tmp_path / "outbox"
    first, delivered = share_quarter(settings, QUARTER, outbox=outbox, key=key)
    folder = outbox / SHARE_FOLDER / QUARTER.label
    before = _snapshot(folder)

    again, delivered_again = share_quarter(settings, QUARTER, outbox=outbox, key=key)

    assert delivered and not delivered_again
    assert again.delivery_id == first.delivery_id and again.fingerprint == first.fingerprint
    assert _snapshot(folder) == before  # same files, same bytes, not even rewritten
    assert len(_audit(settings)) == 1
    assert not list((outbox / STAGING).iterdir())

    with duckdb.connect(str(settings.warehouse)) as conn:  # a correction arrives: one concern of the quarter fewer
        conn.execute(
            "delete from marts.fct_safeguarding_concerns where concern_id = (select min(concern_id) "
            "from marts.fct_safeguarding_concerns where received_date between $s and $e)",
            {"s": QUARTER.start, "e": QUARTER.end},
        )
    changed, delivered_changed = share_quarter(settings, QUARTER, outbox=outbox, key=key)

    audit = _audit(settings)
    assert delivered_changed and changed.fingerprint != first.fingerprint
    assert list(audit["delivery_id"]) == [first.delivery_id, changed.delivery_id]
    assert audit["supersedes"].iloc[-1] == first.delivery_id
    manifest = json.loads((folder / MANIFEST).read_text())
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        f.name: f.sha256 for f in changed.files if f.name != MANIFEST
    }
    assert sorted(p.name for p in folder.parent.iterdir()) == [QUARTER.label]  # the old pack is gone, no leftovers


def test_delivery_over_sftp_to_the_boards_server(
    shared: Shared,
    sftp_drop: SftpDrop,  # noqa: F811
    key: bytes,
    tmp_path: Path,
) -> None:
    remote = sftp_drop.root / SHARE_FOLDER / QUARTER.label
    delivery, delivered = share_quarter(shared.settings, QUARTER, outbox=tmp_path, key=key, sftp_conn_id=CONN_ID)

    assert delivered and delivery.channel == "sftp"
    assert delivery.destination.startswith("sftp://127.0.0.1:") and delivery.destination.endswith("/2023Q4")
    assert delivery.fingerprint == shared.delivery.fingerprint  # the same pack as the outbox's
    for item in delivery.files:
        assert sha256_file(remote / item.name) == item.sha256
    assert sorted(p.name for p in remote.parent.iterdir()) == [QUARTER.label]  # no partial folder left
    assert not (tmp_path / SHARE_FOLDER).exists() and not list((tmp_path / STAGING).iterdir())

    again, delivered_again = share_quarter(shared.settings, QUARTER, outbox=tmp_path, key=key, sftp_conn_id=CONN_ID)
    assert not delivered_again and again.delivery_id == delivery.delivery_id
    audit = _audit(shared.settings)
    assert list(audit.loc[audit["channel"] == "sftp", "delivery_id"]) == [delivery.delivery_id]


def test_a_missing_key_is_a_clear_error_and_nothing_is_shared(
    shared: Shared, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from ingestion.cli import app

    monkeypatch.delenv(KEY_CONNECTION_ENV, raising=False)
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(PseudonymisationKeyMissing, match="connection 'ascwh_share'"):
        pseudonymisation_key()
    monkeypatch.setenv(KEY_ENV, "too-short")
    with pytest.raises(PseudonymisationKeyMissing, match="too short") as error:
        pseudonymisation_key(allow_env=True)
    assert "too-short" not in str(error.value)  # a key is never shown
    with pytest.raises(PseudonymisationKeyMissing):
        pseudonymisation_key()  # the environment variable is the command line's fallback only

    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setenv("ASCWH_OUTBOX", str(tmp_path / "outbox"))
    result = CliRunner().invoke(app, ["share", "--quarter", "2023Q4", "--warehouse", str(shared.settings.warehouse)])
    assert result.exit_code == 1
    assert "No pseudonymisation key" in result.output and KEY_ENV in result.output
    assert not (tmp_path / "outbox").exists()


def test_without_the_equity_mart_the_pack_says_so() -> None:
    from ingestion.share.equity import equity_tables

    with duckdb.connect() as conn:  # a warehouse built before marts.fct_equity_outcomes existed
        tables, notes = equity_tables(conn, QUARTER)
    assert tables == [] and "fct_equity_outcomes" in notes[0] and "not available" in notes[0]


def test_quarters_and_their_year_to_date() -> None:
    assert Quarter.parse("2023Q4").periods()["Year to date"].start.isoformat() == "2023-04-01"
    assert Quarter.parse("2024q1").year_start.isoformat() == "2023-04-01"
    assert Quarter.parse("2023-Q2").end.isoformat() == "2023-06-30"
    assert Quarter.last_complete(pd.Timestamp("2024-01-15").date()) == QUARTER
    with pytest.raises(ValueError):
        Quarter.parse("2023Q5")
