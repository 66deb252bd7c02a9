"""Person linkage (ingestion/linkage.py): real Splink on a real (in-memory) DuckDB.

The records are a seeded synthetic population (so that Splink has enough pairs to train on) plus hand-made cases
with known truth: a surname typo, day and month swapped, a move, a nickname, names swapped, twins sharing a date of
birth and postcode, a shared NHS number, a contact carrying a council id, a name-only contact.
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from ingestion.linkage import (
    LINKS_TABLE,
    PAIRS_TABLE,
    REVIEW_TABLE,
    SCORED_TABLE,
    LinkageResult,
    Scored,
    connected_components,
    link_records,
    run_linkage,
    score_linkage,
)
from ingestion.linkage_score import score_frames, score_warehouse

COLUMNS = [
    "source_system",
    "source_id",
    "council_person_id",
    "nhs_number",
    "first_name",
    "last_name",
    "birth_date",
    "postcode",
    "sex",
]
FIRST = {
    "Female": "Margaret Jean Susan Patricia Dorothy Joan Mary Ann Barbara Irene Sylvia Pamela Brenda Janet Eileen",
    "Male": "John David Peter Michael Brian Kenneth Alan Roy Derek Colin Keith Dennis Graham Trevor Raymond",
}
SURNAMES = [
    *[
        "Smith",
        "Jones",
        "Taylor",
        "Brown",
        "Williams",
        "Wilson",
        "Johnson",
        "Davies",
        "Robinson",
        "Wright",
        "Thompson",
        "Evans",
        "Walker",
        "White",
    ],
    *[
        "Roberts",
        "Green",
        "Hall",
        "Wood",
        "Jackson",
        "Clarke",
        "Hughes",
        "Lewis",
        "Edwards",
        "Turner",
        "Hill",
        "Moore",
        "Cooper",
        "Ward",
        "Morris",
        "King",
    ],
    *[
        "Harris",
        "Baker",
        "Lee",
        "Allen",
        "James",
        "Scott",
        "Young",
        "Mitchell",
        "Phillips",
        "Watson",
        "Bennett",
        "Griffiths",
        "Price",
        "Marshall",
    ],
    *[
        "Kelly",
        "Cox",
        "Carter",
        "Bell",
        "Ashby",
        "Brookes",
        "Chandler",
        "Dunmore",
        "Ellwood",
        "Fenwick",
        "Garside",
        "Hartley",
        "Ingram",
        "Jessop",
    ],
    *["Kirkby", "Lambert", "Mercer", "Norris"],
]
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _nhs(index: int) -> str:
    """A valid (modulus 11) NHS number, distinct per index."""
    body = f"9{(index * 7919 + 1234567) % 100_000_000:08d}"
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return body + str(check) if check != 10 else _nhs(index + 100_000)


def _postcode(rng: random.Random) -> str:
    return f"GL{rng.randint(1, 20)} {rng.randint(0, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"


def _row(system: str, source_id: str, cid: Any, nhs: Any, first: Any, last: Any, born: Any, pc: Any, sex: Any) -> dict:
    return dict(zip(COLUMNS, [system, source_id, cid, nhs, first, last, born, pc, sex], strict=True))


def population(persons: int = 900, seed: int = 11) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """Background records and their truth: council persons (most with an NHS number), their trust records
    (always an NHS number), front-door contacts (often partial), safeguarding concerns (no sex; some after a move)
    and Carers Hub carers (never an NHS number)."""
    rng = random.Random(seed)
    rows: list[dict] = []
    truth: list[tuple[str, str, str]] = []
    contact = 0
    for person in range(persons):
        sex = rng.choice(["Female", "Male"])
        first, last = rng.choice(FIRST[sex].split()), rng.choice(SURNAMES)
        born = date(1925, 1, 1) + timedelta(days=rng.randrange(365 * 70))
        pc, nhs, uid = _postcode(rng), _nhs(person), f"U{person}"
        cid = f"P{person:07d}"
        rows.append(_row("council", cid, cid, nhs if rng.random() < 0.85 else None, first, last, born, pc, sex))
        truth.append(("council", cid, uid))
        if rng.random() < 0.4:
            rid = f"RIO{person:07d}"
            rows.append(_row("health", rid, None, nhs, first, last, born, pc, sex))
            truth.append(("health", rid, uid))
        for _ in range(rng.choice([0, 0, 1, 2])):
            contact += 1
            ct = f"CT{contact:08d}"
            rows.append(
                _row(
                    "council_contact",
                    ct,
                    None,
                    nhs if rng.random() < 0.5 else None,
                    first,
                    last,
                    born if rng.random() < 0.8 else None,
                    pc if rng.random() < 0.85 else None,
                    sex,
                )
            )
            truth.append(("council_contact", ct, uid))
        if rng.random() < 0.2:
            sg = f"SGC{person:07d}"
            moved = _postcode(rng) if rng.random() < 0.2 else pc
            rows.append(
                _row("safeguarding", sg, None, nhs if rng.random() < 0.3 else None, first, last, born, moved, None)
            )
            truth.append(("safeguarding", sg, uid))
        if rng.random() < 0.15:
            ch = f"CH{person:06d}"
            rows.append(_row("carers_hub", ch, None, None, first, last, born, pc, sex))
            truth.append(("carers_hub", ch, uid))
    return rows, truth


# hand-made people: (row, truth uid)
CASES: list[tuple[dict, str]] = [
    # a surname typo (letters transposed) in the Carers Hub
    (
        _row(
            "council",
            "P9000001",
            "P9000001",
            _nhs(90001),
            "Margaret",
            "Ashworth",
            date(1940, 3, 15),
            "GL1 1AA",
            "Female",
        ),
        "typo",
    ),
    (
        _row("carers_hub", "CH900001", None, None, "Margaret", "Ashowrth", date(1940, 3, 15), "GL1 1AA", "Female"),
        "typo",
    ),
    # day and month of birth swapped
    (
        _row("health", "RIO9000002", None, _nhs(90002), "Dennis", "Pemberton", date(1938, 4, 7), "GL3 4BD", "Male"),
        "swap",
    ),
    (_row("carers_hub", "CH900002", None, None, "Dennis", "Pemberton", date(1938, 7, 4), "GL3 4BD", "Male"), "swap"),
    # moved house: a concern with the new postcode, no NHS number
    (
        _row("council", "P9000003", "P9000003", None, "Olive", "Tremayne", date(1931, 11, 20), "GL5 2AB", "Female"),
        "moved",
    ),
    (_row("safeguarding", "SGC9000003", None, None, "Olive", "Tremayne", date(1931, 11, 20), "GL6 9XY", None), "moved"),
    # a nickname, and accents and case in another record of the same person
    (
        _row("council", "P9000004", "P9000004", None, "William", "Fairbrother", date(1945, 2, 28), "GL7 5HT", "Male"),
        "nick",
    ),
    (
        _row("council_contact", "CT90000041", None, None, "Bill", "Fairbrother", date(1945, 2, 28), "GL7 5HT", "Male"),
        "nick",
    ),
    (
        _row("council_contact", "CT90000042", None, None, "WILLIAM", "FAIRBROTHÉR", date(1945, 2, 28), None, None),
        "nick",
    ),
    # first and last names swapped
    (
        _row("council", "P9000005", "P9000005", None, "Harold", "Pennington", date(1936, 9, 30), "GL8 8QP", "Male"),
        "names",
    ),
    (_row("carers_hub", "CH900005", None, None, "Pennington", "Harold", date(1936, 9, 30), "GL8 8QP", "Male"), "names"),
    # twins: same date of birth, surname and postcode, different first names and council ids
    (
        _row("council", "P9000006", "P9000006", None, "Edith", "Marchbank", date(1950, 6, 1), "GL2 4RT", "Female"),
        "twin1",
    ),
    (
        _row("council", "P9000007", "P9000007", None, "Ethel", "Marchbank", date(1950, 6, 1), "GL2 4RT", "Female"),
        "twin2",
    ),
    (_row("carers_hub", "CH900006", None, None, "Edith", "Marchbank", date(1950, 6, 1), "GL2 4RT", "Female"), "twin1"),
    # a shared valid NHS number links whatever the names say
    (_row("health", "RIO9000008", None, _nhs(90008), "Jon", "Smithers", date(1960, 1, 2), "GL9 1AA", "Male"), "nhs"),
    (_row("council_contact", "CT90000008", None, _nhs(90008), "John", "Smythers", None, "GL19 2BB", None), "nhs"),
    # a contact that carries a council id belongs to that council person
    (_row("council", "P9000009", "P9000009", None, "Agnes", "Quarrie", date(1929, 5, 5), "GL4 6DD", "Female"), "cid"),
    (_row("council_contact", "CT90000009", "P9000009", None, "Nessie", "Q", None, None, None), "cid"),
    # a name-only contact: two different Philippa Ormerods exist, nothing says which one
    (
        _row("council", "P9000010", "P9000010", None, "Philippa", "Ormerod", date(1941, 1, 1), "GL10 1AA", "Female"),
        "ms1",
    ),
    (
        _row("council", "P9000011", "P9000011", None, "Philippa", "Ormerod", date(1952, 2, 2), "GL11 2BB", "Female"),
        "ms2",
    ),
    (_row("council_contact", "CT90000012", None, None, "Philippa", "Ormerod", None, None, "Female"), "ms3"),
]


def standardise(rows: list[dict]) -> pd.DataFrame:
    """The columns of int_person_records, standardised as the dbt model does (lower case, accents, letters only)."""
    frame = pd.DataFrame(rows, columns=COLUMNS)

    def std(column: pd.Series) -> pd.Series:
        text = column.str.lower().str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
        return text.str.replace("[^a-z]", "", regex=True).replace("", None)

    frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    frame["first_name_std"] = std(frame["first_name"])
    frame["last_name_std"] = std(frame["last_name"])
    frame["postcode_std"] = frame["postcode"].str.lower().str.replace(" ", "")
    frame["postcode_district"] = frame["postcode"].str.split(" ").str[0].str.lower()
    frame["sex_std"] = frame["sex"].map({"Male": "m", "Female": "f"})
    return frame


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    rows, _ = population()
    return standardise(rows + [row for row, _ in CASES])


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    _, background = population()
    case_truth = [(row["source_system"], row["source_id"], f"case_{uid}") for row, uid in CASES]
    return pd.DataFrame(background + case_truth, columns=["system", "source_id", "person_uid"])


@pytest.fixture(scope="module")
def linked(records: pd.DataFrame) -> LinkageResult:
    return link_records(records)


def _key(links: pd.DataFrame, system: str, source_id: str) -> str:
    return links.set_index(["source_system", "source_id"]).loc[(system, source_id), "person_key"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("council", "P9000001"), ("carers_hub", "CH900001")),  # surname typo
        (("health", "RIO9000002"), ("carers_hub", "CH900002")),  # day and month swapped
        (("council", "P9000003"), ("safeguarding", "SGC9000003")),  # moved house
        (("council", "P9000004"), ("council_contact", "CT90000041")),  # nickname
        (("council", "P9000004"), ("council_contact", "CT90000042")),  # upper case and an accent
        (("council", "P9000005"), ("carers_hub", "CH900005")),  # names swapped
        (("council", "P9000006"), ("carers_hub", "CH900006")),  # a twin's own Carers Hub record
        (("health", "RIO9000008"), ("council_contact", "CT90000008")),  # shared NHS number
        (("council", "P9000009"), ("council_contact", "CT90000009")),  # council id on the contact
    ],
)
def test_links(linked: LinkageResult, a: tuple[str, str], b: tuple[str, str]) -> None:
    assert _key(linked.links, *a) == _key(linked.links, *b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("council", "P9000006"), ("council", "P9000007")),  # twins
        (("council", "P9000007"), ("carers_hub", "CH900006")),  # the other twin's carer record
        (("council", "P9000010"), ("council", "P9000011")),  # namesakes
        (("council", "P9000010"), ("council_contact", "CT90000012")),  # a name only: not enough
        (("council", "P9000011"), ("council_contact", "CT90000012")),
    ],
)
def test_non_links(linked: LinkageResult, a: tuple[str, str], b: tuple[str, str]) -> None:
    assert _key(linked.links, *a) != _key(linked.links, *b)


def test_links_frame(linked: LinkageResult, records: pd.DataFrame) -> None:
    links = linked.links
    assert len(links) == len(records) and not links.duplicated(["source_system", "source_id"]).any()
    assert set(links["link_method"]) == {"deterministic", "probabilistic", "singleton"}
    assert links["person_key"].str.fullmatch("PK[0-9A-F]{16}").all()
    method = links.set_index(["source_system", "source_id"])["link_method"]
    assert method[("council_contact", "CT90000009")] == "deterministic"
    assert method[("carers_hub", "CH900001")] == "probabilistic"
    assert method[("council_contact", "CT90000012")] == "singleton"
    probabilistic = links[links["link_method"] == "probabilistic"]["match_probability"]
    assert probabilistic.between(0.95, 1).all()
    assert (links.loc[links["link_method"] == "deterministic", "match_probability"] == 1).all()
    # a person's key is named for its council record
    assert _key(links, "carers_hub", "CH900001") == _key(links, "council", "P9000001")


def test_review_holds_ids_and_levels_only(linked: LinkageResult, records: pd.DataFrame) -> None:
    review = linked.review
    assert list(review.columns) == [
        "left_system",
        "left_id",
        "right_system",
        "right_id",
        "match_probability",
        "match_weight",
        "comparison_levels",
        "review_reason",
    ]
    text = " ".join(review.astype(str).to_numpy().ravel().tolist()).lower()
    assert "philippa" not in text and "ormerod" not in text and "1941" not in text
    known = set(zip(records["source_system"], records["source_id"], strict=True))
    assert set(zip(review["left_system"], review["left_id"], strict=True)) <= known
    assert set(review["review_reason"]) <= {"uncertain", "not corroborated", "identifiers disagree"}
    assert review["match_probability"].between(0.5, 1).all()
    assert not review.duplicated(["left_system", "left_id", "right_system", "right_id"]).any()


def test_accuracy_on_the_population(linked: LinkageResult, truth: pd.DataFrame) -> None:
    score = score_frames(linked.links, truth)
    assert score.precision >= 0.98 and score.recall >= 0.95, str(score)


def test_same_input_same_keys(linked: LinkageResult, records: pd.DataFrame) -> None:
    again = link_records(records.sample(frac=1, random_state=3))  # another row order, the same records
    merged = linked.links.merge(again.links, on=["source_system", "source_id"])
    assert len(merged) == len(linked.links)
    assert (merged["person_key_x"] == merged["person_key_y"]).all()
    assert np.allclose(merged["match_probability_x"].fillna(-1), merged["match_probability_y"].fillna(-1))


def _night(records: pd.DataFrame, linked: LinkageResult) -> pd.DataFrame:
    """The records a night later: some gone, some with a changed surname, new ones (copies under new ids, some
    with a typo in the first name), and one new contact that joins two persons' deterministic components (the
    council id of one record of a scored pair, the NHS number of the other)."""
    rng = np.random.default_rng(5)
    night = records.drop(records.index[rng.choice(len(records), 20, replace=False)]).copy()
    changed = night.index[rng.choice(len(night), 15, replace=False)]
    night.loc[changed, "last_name_std"] = night.loc[changed, "last_name_std"].str[::-1]
    new = records.sample(40, random_state=2).copy()
    new["source_id"] = new["source_id"] + "N"
    new.loc[new.index[:20], "first_name_std"] = new.loc[new.index[:20], "first_name_std"].str[:-1]
    pairs = linked.scored.pairs
    keyed = records.set_index(["source_system", "source_id"])
    joinable = pairs[(pairs["left_system"] == "council") & (pairs["right_system"] != "council")]
    joinable = joinable[
        [
            pd.notna(keyed.loc[(s, i), "nhs_number"])
            for s, i in zip(joinable["right_system"], joinable["right_id"], strict=True)
        ]
    ]
    left, right = joinable.iloc[0][["left_id"]].item(), tuple(joinable.iloc[0][["right_system", "right_id"]])
    bridge = (
        keyed.loc[[("council", left)]]
        .reset_index()
        .assign(
            source_system="council_contact",
            source_id="CTBRIDGE",
            council_person_id=left,
            nhs_number=keyed.loc[right, "nhs_number"],
        )
    )
    return pd.concat([night, new, bridge], ignore_index=True)


def test_a_nightly_run_scores_only_what_changed_and_equals_scoring_every_pair(
    records: pd.DataFrame, linked: LinkageResult
) -> None:
    again = link_records(records, model=linked.model, previous=linked.scored)
    assert again.rescored_records == 0 and not again.trained
    pd.testing.assert_frame_equal(again.links, linked.links)
    pd.testing.assert_frame_equal(again.review, linked.review)

    night = _night(records, linked)
    nightly = link_records(night, model=linked.model, previous=linked.scored)
    assert 60 < nightly.rescored_records < len(night) / 5  # the new, the changed and the bridged components
    nothing = Scored(linked.scored.pairs.iloc[:0], linked.scored.records.iloc[:0], linked.scored.term_frequencies)
    everything = link_records(night, model=linked.model, previous=nothing)
    assert everything.rescored_records == len(night)
    key = ["left_system", "left_id", "right_system", "right_id"]
    pd.testing.assert_frame_equal(
        nightly.scored.pairs.sort_values(key).reset_index(drop=True),
        everything.scored.pairs.sort_values(key).reset_index(drop=True),
    )
    pd.testing.assert_frame_equal(nightly.links, everything.links)
    pd.testing.assert_frame_equal(nightly.review, everything.review)
    bridged = nightly.links.set_index(["source_system", "source_id"])["link_method"]
    assert bridged[("council_contact", "CTBRIDGE")] == "deterministic"


def test_connected_components_label_by_smallest_member() -> None:
    labels = connected_components(7, np.array([5, 1, 3]), np.array([6, 3, 6]))
    assert labels.tolist() == [0, 1, 2, 1, 4, 1, 1]


def test_score_by_hand(tmp_path: Path) -> None:
    # predicted persons: A = {c1, h1, s1}, B = {s2}; true persons: U1 = {c1, h1}, U2 = {s1, s2}; x1 not in truth
    links = pd.DataFrame(
        {
            "source_system": ["council", "health", "safeguarding", "safeguarding", "council_contact"],
            "source_id": ["c1", "h1", "s1", "s2", "x1"],
            "person_key": ["A", "A", "A", "B", "A"],
        }
    )
    identities = tmp_path / "identities.csv"
    identities.write_text(
        "system,source_id,person_uid\ncouncil,c1,U1\nhealth,h1,U1\nsafeguarding,s1,U2\nsafeguarding,s2,U2\n"
    )
    score = score_linkage(links, identities)
    # predicted pairs c1-h1, c1-s1, h1-s1 (3); true pairs c1-h1, s1-s2 (2); both: c1-h1
    assert (score.predicted_pairs, score.true_pairs, score.true_positive_pairs) == (3, 2, 1)
    assert score.precision == pytest.approx(1 / 3) and score.recall == pytest.approx(1 / 2)
    assert (score.scored_records, score.unscored_records, score.missing_records) == (4, 1, 0)
    by = score.by_systems.set_index(["left_system", "right_system"])
    assert by.loc[("council", "health"), ["precision", "recall"]].tolist() == [1.0, 1.0]
    assert by.loc[("council", "safeguarding"), ["tp", "predicted", "true"]].tolist() == [0, 1, 0]
    assert by.loc[("safeguarding", "safeguarding"), ["tp", "predicted", "true"]].tolist() == [0, 0, 1]
    assert "council-health" in str(score)


def test_score_warehouse_also_scores_without_records_that_carry_nothing_to_link_on(tmp_path: Path) -> None:
    # c1 and h1 are one person, linked; c2 is that person too but a bare council id (a DoLS application's),
    # so it stays alone: recall 1/3 over every record, 1 without c2
    warehouse = tmp_path / "wh.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema linkage")
        conn.execute(
            "create table linkage.person_links as select * from (values "
            "('council', 'c1', 'A'), ('health', 'h1', 'A'), ('council', 'c2', 'C')) "
            "as t(source_system, source_id, person_key)"
        )
        conn.execute("create schema intermediate")
        conn.execute(
            "create table intermediate.int_person_records as select * from (values "
            "('council', 'c1', 'ANN', date '1950-01-02', null), ('health', 'h1', 'ANN', date '1950-01-02', "
            "'9434765919'), ('council', 'c2', null, null, null)) "
            "as t(source_system, source_id, first_name_std, birth_date, nhs_number)"
        )
    identities = tmp_path / "identities.csv"
    identities.write_text("system,source_id,person_uid\ncouncil,c1,U1\nhealth,h1,U1\ncouncil,c2,U1\n")
    score = score_warehouse(warehouse, identities)
    assert (score.precision, score.recall) == (1.0, pytest.approx(1 / 3))
    assert score.unlinkable_records == 1 and score.linkable is not None
    assert (score.linkable.precision, score.linkable.recall) == (1.0, 1.0)
    assert "without the 1 records with no name, date of birth or NHS number" in str(score)


def _write_records(conn: Any, records: pd.DataFrame) -> None:
    conn.execute("create schema if not exists intermediate")
    conn.register("frame", records)
    conn.execute("create or replace table intermediate.int_person_records as select * from frame")
    conn.unregister("frame")


def test_run_linkage_on_duckdb(tmp_path: Path, records: pd.DataFrame, linked: LinkageResult) -> None:
    warehouse = tmp_path / "wh.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        _write_records(conn, records)
        conn.execute("create schema linkage")  # a previous run's tables, replaced
        conn.execute(f"create table {LINKS_TABLE} as select 'x' as source_system, 'stale' as source_id")
        conn.execute(f"create table {REVIEW_TABLE} as select 'x' as left_id")
    summary = run_linkage("duckdb", warehouse)
    assert summary.records == len(records) and summary.persons == linked.links["person_key"].nunique()
    assert sum(summary.links_by_method.values()) == len(records)
    assert summary.review_pairs == len(linked.review)
    assert "persons" in str(summary)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        links = conn.execute(f"select * from {LINKS_TABLE}").df()
        assert "stale" not in set(links["source_id"])
        assert conn.execute(f"select count(*) from {REVIEW_TABLE}").fetchall()[0][0] == len(linked.review)
    merged = links.merge(linked.links, on=["source_system", "source_id"])
    assert len(merged) == len(records) and (merged["person_key_x"] == merged["person_key_y"]).all()

    again = run_linkage("duckdb", warehouse, retrain=False)  # the stored model, nothing new: nothing scored
    assert (again.model, again.rescored_records, again.persons) == ("reused", 0, summary.persons)
    with duckdb.connect(str(warehouse)) as conn:
        _write_records(conn, _night(records, linked))
        scored = conn.execute(f"select count(*) from {SCORED_TABLE}").fetchall()[0][0]
        assert scored == len(records) and conn.execute(f"select count(*) from {PAIRS_TABLE}").fetchall()[0][0] > 0
    nightly = run_linkage("duckdb", warehouse, retrain=False)
    assert 0 < nightly.rescored_records < nightly.records / 5


@pytest.fixture
def postgres_database() -> Any:
    """A fresh PostgreSQL database (ASCWH_PG_DATABASE points at it), dropped afterwards."""
    psycopg2 = pytest.importorskip("psycopg2")
    from ingestion.postgres_copy import pg_connect_kwargs

    name = f"ascwh_linkage_test_{os.getpid()}"
    admin = {**pg_connect_kwargs(), "dbname": "postgres"}
    try:
        conn = psycopg2.connect(**admin, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server for the test: {type(exc).__name__}")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"drop database if exists {name}")
        cursor.execute(f"create database {name}")
    saved = os.environ.get("ASCWH_PG_DATABASE")
    os.environ["ASCWH_PG_DATABASE"] = name
    try:
        yield name
    finally:
        if saved is None:
            os.environ.pop("ASCWH_PG_DATABASE", None)
        else:
            os.environ["ASCWH_PG_DATABASE"] = saved
        with conn.cursor() as cursor:
            cursor.execute(f"drop database if exists {name} with (force)")
        conn.close()


def test_run_linkage_on_postgres(postgres_database: str, records: pd.DataFrame, linked: LinkageResult) -> None:
    import psycopg2

    from ingestion.postgres_copy import pg_connect_kwargs

    with psycopg2.connect(**pg_connect_kwargs()) as conn, conn.cursor() as cursor:
        cursor.execute("create schema intermediate")
        cursor.execute(
            "create table intermediate.int_person_records (source_system text, source_id text, council_person_id text,"
            " nhs_number text, first_name text, last_name text, birth_date date, postcode text, sex text,"
            " first_name_std text, last_name_std text, postcode_std text, postcode_district text, sex_std text)"
        )
        values = records.astype(object).where(records.notna(), None)
        values["birth_date"] = [None if v is None else v.date() for v in values["birth_date"]]
        cursor.executemany(
            f"insert into intermediate.int_person_records ({', '.join(records.columns)})"
            f" values ({', '.join(['%s'] * len(records.columns))})",
            values.itertuples(index=False, name=None),
        )
    summary = run_linkage("postgres")
    assert summary.target == "postgres" and summary.records == len(records)
    with psycopg2.connect(**pg_connect_kwargs()) as conn, conn.cursor() as cursor:
        cursor.execute(f"select source_system, source_id, person_key from {LINKS_TABLE}")
        links = pd.DataFrame(cursor.fetchall(), columns=["source_system", "source_id", "person_key"])
        cursor.execute(f"select count(*) from {REVIEW_TABLE}")
        assert cursor.fetchall()[0][0] == len(linked.review)
    conn.close()
    merged = links.merge(linked.links, on=["source_system", "source_id"])
    assert len(merged) == len(records) and (merged["person_key_x"] == merged["person_key_y"]).all()
    again = run_linkage("postgres", retrain=False)  # what was scored is read back: nothing to score again
    assert (again.model, again.rescored_records, again.persons) == ("reused", 0, summary.persons)


def test_too_few_records_link_deterministically_only() -> None:
    links = link_records(standardise([row for row, _ in CASES])).links.set_index(["source_system", "source_id"])
    assert set(links["link_method"]) == {"deterministic", "singleton"}
    assert (
        links.loc[("health", "RIO9000008"), "person_key"] == links.loc[("council_contact", "CT90000008"), "person_key"]
    )
    assert link_records(standardise([]).iloc[:0]).links.empty
