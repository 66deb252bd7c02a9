"""Person linkage across the four source systems: one person key for every source record.

Reads ``intermediate.int_person_records`` (dbt), links records deterministically (valid NHS number, council person
id) and probabilistically (Splink on an in-memory DuckDB), clusters the links into persons, and writes
``linkage.person_links`` (one row per record) and ``linkage.clerical_review`` (uncertain pairs, ids only) back to the
warehouse in one transaction. No personal data is logged.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
import numpy as np
import pandas as pd

from ingestion.linkage_model import model_version
from ingestion.linkage_score import Score, score_linkage

__all__ = ["LinkageResult", "LinkageSummary", "Score", "link_records", "run_linkage", "score_linkage"]

log = logging.getLogger(__name__)

RECORDS_TABLE = "intermediate.int_person_records"
LINKS_TABLE = "linkage.person_links"
REVIEW_TABLE = "linkage.clerical_review"
MODEL_TABLE = "linkage.model"  # the trained Splink model (JSON), reused by nightly builds
# what the last run scored (``Scored``), so that a nightly build scores only the pairs of new and changed records
PAIRS_TABLE = "linkage.scored_pairs"
SCORED_TABLE = "linkage.scored_records"
FREQUENCIES_TABLE = "linkage.term_frequencies"
_TABLE_EXISTS = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"

# Anchor order: the smallest member of a cluster under this order names the person (council ids first: they are the
# council's own stable person ids, so a person's key survives new contacts, referrals and concerns).
SYSTEM_ORDER = ("council", "health", "carers_hub", "safeguarding", "carers_hub_cared_for", "council_contact")

# Thresholds on Splink's match probability, measured against the simulator's truth at scale 1 (206,740 records, default
# fault rates; pairwise precision / recall of the final persons, see linkage_score):
#
#   accept at   0.5     0.8     0.9     0.95    0.97    0.99    0.995   0.999
#   precision   0.9997  0.9997  0.9998  0.9998  0.9999  0.9999  0.9999  0.9999
#   recall      0.9835  0.9835  0.9834  0.9832  0.9832  0.9830  0.9820  0.9727
#
# Recall is flat down to 0.99 and falls after 0.995 (a true pair with a swapped date of birth or a nickname and no
# postcode scores 0.99-0.999); precision stops improving at 0.97. ACCEPT_THRESHOLD = 0.95 sits in the middle of the
# flat part, so the calibration shift of a model retrained on more records (scale 10: more namesakes, a smaller
# prior) costs neither. Precision is held mainly by the corroboration rule (linkage_model.CORROBORATING) and the
# identifier constraint (constrained_clusters), not by the threshold: without them, 0.9 gave precision 0.958.
#
# Clerical review, one pair per pair of persons (pairs whose records ended in different persons):
#
#   review from        0.1     0.2     0.3     0.5     0.7
#   pairs to review    7,358   4,078   2,754   954     364
#   of them true       414     382     360     288     171   (of those a truth identity covers)
#
# REVIEW_THRESHOLD = 0.5: 954 pairs a year for the county, 40% of those checkable are one person. Going down to 0.3
# would triple the work for 72 more true pairs (a 4% yield); the pairs below 0.5 are mostly a common name alone.
ACCEPT_THRESHOLD = 0.95
REVIEW_THRESHOLD = 0.5

# Splink's sums run in parallel, so the last bits of a probability can differ between runs (2e-16 seen): stored
# probabilities are rounded, so the same input gives the same tables.
DECIMALS = 10

# Below this many records Splink cannot estimate m and u (too few pairs): only the deterministic links are made.
MIN_RECORDS_FOR_SPLINK = 500

LINK_COLUMNS = ["source_system", "source_id", "person_key", "match_probability", "link_method"]
KEY_COLUMNS = ["source_system", "source_id"]
# the fields a record is linked on: when none changed, nor its deterministic component, its pairs scored before stand
LINKED_FIELDS = [
    "council_person_id",
    "nhs_number",
    "birth_date",
    "first_name_std",
    "last_name_std",
    "postcode_std",
    "postcode_district",
    "sex_std",
]
SCORED_COLUMNS = ["source_system", "source_id", "fingerprint", "det_anchor"]
# a scored pair by system and id: the stored pairs (with whether it is corroborated) and the review pairs (with why)
SIDE_COLUMNS = ["left_system", "left_id", "right_system", "right_id"]
SCORED_PAIR_COLUMNS = [*SIDE_COLUMNS, "match_probability", "match_weight"]
PAIR_STORE_COLUMNS = [*SCORED_PAIR_COLUMNS, "comparison_levels", "corroborated"]
REVIEW_COLUMNS = [*SCORED_PAIR_COLUMNS, "comparison_levels", "review_reason"]


@dataclass(frozen=True)
class Scored:
    """What a run scored, kept so that the next run scores only what changed (``link_records``' ``previous``):
    ``pairs`` (PAIR_STORE_COLUMNS: the scored pairs at or above the review threshold, by system and id),
    ``records`` (SCORED_COLUMNS: each record's fingerprint and deterministic anchor) and ``term_frequencies``
    (those of the records the model was trained on, used until it is trained again)."""

    pairs: pd.DataFrame
    records: pd.DataFrame
    term_frequencies: pd.DataFrame


@dataclass(frozen=True)
class LinkageResult:
    """``links``: one row per record (LINK_COLUMNS); ``review``: uncertain pairs for clerical review (ids only)."""

    links: pd.DataFrame
    review: pd.DataFrame
    edges: dict[str, int] = field(default_factory=dict)  # accepted edges by method
    model: dict | None = None  # the Splink model the pairs were scored with (None: deterministic links only)
    trained: bool = False  # the model was trained in this run (not an earlier run's, reused)
    scored: Scored | None = None  # for the next run (None: deterministic links only)
    rescored_records: int = 0  # records whose candidate pairs were scored in this run


@dataclass(frozen=True)
class LinkageSummary:
    """What one linkage run did (no personal data)."""

    target: str
    records: int
    persons: int
    links_by_method: dict[str, int]
    review_pairs: int
    seconds: float
    edges: dict[str, int] = field(default_factory=dict)  # deterministic edges, probabilistic pairs by outcome
    model: str = "none"  # the Splink model: "trained" in this run, "reused" (stored), or "none" (too few records)
    rescored_records: int = 0  # records whose candidate pairs were scored (the others' pairs were scored before)

    def rows(self) -> list[tuple[str, str]]:
        """(measure, value) rows, for a table."""
        out = [("target", self.target), ("records", f"{self.records:,}"), ("persons", f"{self.persons:,}")]
        out += [(f"records linked {method}", f"{count:,}") for method, count in sorted(self.links_by_method.items())]
        out += [(name.replace("_", " "), f"{count:,}") for name, count in self.edges.items()]
        out += [("pairs for clerical review", f"{self.review_pairs:,}"), ("Splink model", self.model)]
        out += [("records scored", f"{self.rescored_records:,}")]
        out += [("seconds", f"{self.seconds:.1f}")]
        return out

    def __str__(self) -> str:
        width = max(len(name) for name, _ in self.rows())
        return "\n".join(f"{name:<{width}}  {value}" for name, value in self.rows())


# ---- clustering ------------------------------------------------------------------------------------------------


def connected_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` nodes given undirected edges: the smallest node index of its component.

    Min-label hooking with pointer jumping, vectorised (no Python loop over edges): deterministic and linear-ish."""
    parent = np.arange(n, dtype=np.int64)
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    while True:
        a, b = parent[left], parent[right]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        moving = lo != hi
        if not moving.any():
            return parent
        np.minimum.at(parent, hi[moving], lo[moving])
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


def person_key(source_system: str, source_id: str) -> str:
    """A stable, opaque person key named for the cluster's anchor record."""
    return "PK" + hashlib.sha256(f"{source_system}|{source_id}".encode()).hexdigest()[:16].upper()


def _ordered(records: pd.DataFrame) -> pd.DataFrame:
    """Records in anchor order (system rank, then id), one per (system, id) (its first row), index 0..n-1, with
    a ``fingerprint`` (a hash of the id and LINKED_FIELDS, the date of birth as a date): every later step is
    deterministic. Ordered and hashed in DuckDB, which does it for two million records in seconds where pandas
    took tens; only those columns go to DuckDB (the others may hold values it cannot type, such as PostgreSQL's
    numerics)."""
    rank = " ".join(f"when '{system}' then {position}" for position, system in enumerate(SYSTEM_ORDER))
    fields = [f"cast({column} as varchar)" for column in KEY_COLUMNS + LINKED_FIELDS if column != "birth_date"]
    fields.append("cast(cast(birth_date as date) as varchar)")
    linked = records[KEY_COLUMNS + LINKED_FIELDS].assign(_row=np.arange(len(records)))
    with duckdb.connect() as connection:
        connection.register("records", linked)
        order = connection.execute(
            f"""
            select _row, hash({", ".join(fields)}) as fingerprint
            from (
                select
                    *,
                    cast(source_system as varchar) as _system,
                    cast(source_id as varchar) as _id,
                    coalesce(case cast(source_system as varchar) {rank} end, {len(SYSTEM_ORDER)}) as _rank
                from records
            )
            qualify row_number() over (partition by _system, _id order by _row) = 1
            order by _rank, _system, _id
            """
        ).fetchnumpy()
    out = records.iloc[order["_row"]].reset_index(drop=True)
    out["source_system"] = out["source_system"].astype(str)
    out["source_id"] = out["source_id"].astype(str)
    out["fingerprint"] = np.asarray(order["fingerprint"], dtype=np.uint64).view(np.int64)  # stored as bigint
    return out


def _group_edges(keys: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Edges joining every record to the first record sharing its (non-null) key."""
    valid = keys.notna() & (keys.astype(str).str.len() > 0)
    frame = pd.DataFrame({"key": keys[valid].astype(str), "node": keys[valid].index.to_numpy()})
    first = frame.groupby("key")["node"].transform("min")
    keep = first.to_numpy() != frame["node"].to_numpy()
    return first.to_numpy()[keep], frame["node"].to_numpy()[keep]


def deterministic_edges(records: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Deterministic edges over ordered records: a shared valid NHS number; a shared council person id (a council
    record's own id, the id a contact, concern or cared-for record carries)."""
    council = records["council_person_id"].where(records["council_person_id"].notna())
    council = council.where(records["source_system"] != "council", records["source_id"])
    return {"nhs_number": _group_edges(records["nhs_number"]), "council_person_id": _group_edges(council)}


def _identifier_columns(records: pd.DataFrame) -> dict[str, pd.Series]:
    """The identifiers that must not disagree within a person: NHS number, council id, trust patient id, carer ref
    (each of these systems issues one id per person)."""
    system, source_id = records["source_system"], records["source_id"]
    return {
        "nhs": records["nhs_number"],
        "council": records["council_person_id"].where(system != "council", source_id),
        "health": source_id.where(system == "health"),
        "carer": source_id.where(system == "carers_hub"),
    }


def _component_keys(records: pd.DataFrame, det_labels: np.ndarray, involved: np.ndarray) -> dict[int, dict]:
    """Per deterministic component in ``involved``: identifier kind -> frozenset of the values its records hold."""
    member = np.isin(det_labels, involved)
    keys: dict[int, dict[str, frozenset[str]]] = {int(label): {} for label in involved}
    for kind, column in _identifier_columns(records).items():
        values = pd.DataFrame({"label": det_labels[member], "value": column[member].to_numpy()}).dropna()
        values["value"] = values["value"].astype(str)
        values = values[values["value"] != ""].drop_duplicates()
        found: dict[int, set[str]] = {}
        for label, value in zip(values["label"].tolist(), values["value"].tolist(), strict=True):
            found.setdefault(label, set()).add(value)  # a loop: groupby(...).agg(frozenset) took a second
        for label, held in found.items():
            keys[label][kind] = frozenset(held)
    return keys


def _compatible(a: dict[str, frozenset[str]], b: dict[str, frozenset[str]]) -> bool:
    """Two components may merge when, for every identifier, one's values contain the other's."""
    return all(a[kind] <= b[kind] or b[kind] <= a[kind] for kind in a.keys() & b.keys())


def constrained_clusters(
    records: pd.DataFrame, det_labels: np.ndarray, pairs: pd.DataFrame, accept: float
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Merge deterministic components along corroborated probabilistic pairs with match probability >= ``accept``,
    strongest (match weight) first (Kruskal), refusing a merge that would give a person two different NHS numbers,
    council ids, trust ids or carer refs.

    Returns the final label of each record (the smallest record index of its cluster), the probability of the
    weakest link that joined each record to its cluster's anchor (NaN for records joined only deterministically),
    and the refused pairs, for clerical review (``review_reason`` "identifiers disagree").
    Only the components that accepted pairs touch are handled in Python."""
    n = len(records)
    accepted = pairs[(pairs["match_probability"] >= accept) & pairs["corroborated"]].sort_values(
        ["match_weight", "unique_id_l", "unique_id_r"], ascending=[False, True, True], kind="mergesort"
    )
    left = det_labels[accepted["unique_id_l"].to_numpy()]
    right = det_labels[accepted["unique_id_r"].to_numpy()]
    involved = np.unique(np.concatenate([left, right]))
    keys = _component_keys(records, det_labels, involved)
    root = {int(label): int(label) for label in involved}

    def find(label: int) -> int:
        while root[label] != label:
            root[label] = root[root[label]]
            label = root[label]
        return label

    merges: list[tuple[int, int, float]] = []
    refused: list[int] = []
    for row, a, b, probability in zip(
        accepted.index, left.tolist(), right.tolist(), accepted["match_probability"].tolist(), strict=True
    ):
        a, b = find(a), find(b)
        if a == b:
            continue
        if not _compatible(keys[a], keys[b]):
            refused.append(row)
            continue
        keep, gone = (a, b) if a < b else (b, a)
        merges.append((keep, gone, probability))
        for kind, values in keys.pop(gone).items():
            keys[keep][kind] = keys[keep].get(kind, frozenset()) | values
        root[gone] = keep
    final = np.arange(n, dtype=np.int64)
    final[involved] = [find(int(label)) for label in involved]
    labels = final[det_labels]
    # Replay the merges to find when each record joined its cluster's anchor (the weakest link on its path). A
    # component's label is its smallest index, so it holds the anchor exactly when its label is the final label.
    joined = np.full(n, np.nan)
    member = np.flatnonzero(np.isin(det_labels, involved))
    holder: dict[int, list[int]] = {int(label): [] for label in involved}
    for index, label in zip(member.tolist(), det_labels[member].tolist(), strict=True):
        holder[label].append(index)
    for keep, gone, probability in merges:
        moved = holder.pop(gone)
        if keep == labels[keep]:
            joined[moved] = probability
            if np.isnan(joined[keep]):  # a lone anchor: its strongest link
                joined[keep] = probability
        holder[keep].extend(moved)
    return labels, joined, pairs.loc[refused].assign(review_reason="identifiers disagree")


def _review_pairs(records: pd.DataFrame, labels: np.ndarray, band: pd.DataFrame) -> pd.DataFrame:
    """Uncertain pairs whose records ended in different persons, one (the most probable) per pair of persons."""
    if band.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in REVIEW_COLUMNS})
    left, right = band["unique_id_l"].to_numpy(), band["unique_id_r"].to_numpy()
    band = band.assign(_a=np.minimum(labels[left], labels[right]), _b=np.maximum(labels[left], labels[right]))
    band = band[band["_a"] != band["_b"]]
    band = band.sort_values(
        ["_a", "_b", "match_probability", "unique_id_l", "unique_id_r"],
        ascending=[True, True, False, True, True],
        kind="mergesort",
    ).drop_duplicates(["_a", "_b"])
    review = _by_id(records, band, REVIEW_COLUMNS).round({"match_probability": DECIMALS, "match_weight": DECIMALS})
    return review.sort_values(
        ["match_probability", "left_system", "left_id", "right_system", "right_id"],
        ascending=[False, True, True, True, True],
        kind="mergesort",
    ).reset_index(drop=True)


def _scored_records(records: pd.DataFrame, det_labels: np.ndarray) -> pd.DataFrame:
    """SCORED_COLUMNS of the ordered records: the fingerprint, and the first record of its deterministic component."""
    keys = (records["source_system"] + "|" + records["source_id"]).to_numpy()
    return pd.DataFrame(
        {
            "source_system": records["source_system"],
            "source_id": records["source_id"],
            "fingerprint": records["fingerprint"],
            "det_anchor": keys[det_labels],
        }
    )


def _unchanged(scored: pd.DataFrame, previous: Scored) -> tuple[np.ndarray, pd.DataFrame]:
    """Which records must be scored again (new, changed, or now in another deterministic component), and the pairs
    scored before between two records that need not be, with today's positions as ``unique_id_l``/``_r``.

    A pair of such records scores as it did (the same fields, model and term frequencies) and stays a candidate
    (blocking reads only those fields; a merge or split of deterministic components changes a member's anchor).
    Joined in DuckDB (millions of text keys at scale 10)."""
    with duckdb.connect() as connection:
        connection.register("scored", scored.assign(position=np.arange(len(scored))))
        connection.register("before", previous.records)
        connection.register("pairs", previous.pairs)
        connection.execute(
            """
            create temporary table clean as
            select scored.position, scored.source_system, scored.source_id
            from scored
            inner join before
                on scored.source_system = before.source_system and scored.source_id = before.source_id
            where scored.fingerprint = before.fingerprint and scored.det_anchor = before.det_anchor
            """
        )
        clean = connection.execute("select position from clean").fetchnumpy()["position"]
        kept = connection.execute(
            """
            select
                least(l.position, r.position) as unique_id_l,
                greatest(l.position, r.position) as unique_id_r,
                cast(pairs.match_probability as double) as match_probability,
                cast(pairs.match_weight as double) as match_weight,
                pairs.comparison_levels,
                cast(pairs.corroborated as boolean) as corroborated
            from pairs
            inner join clean as l on pairs.left_system = l.source_system and pairs.left_id = l.source_id
            inner join clean as r on pairs.right_system = r.source_system and pairs.right_id = r.source_id
            """
        ).df()
    dirty = np.ones(len(scored), dtype=bool)
    dirty[clean] = False
    return dirty, kept


def _by_id(records: pd.DataFrame, pairs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``columns`` of ``pairs`` (by position in the ordered ``records``): SIDE_COLUMNS, each side's system and id,
    from the records; the others from the pairs."""
    systems, ids = records["source_system"].to_numpy(), records["source_id"].to_numpy()
    left, right = pairs["unique_id_l"].to_numpy(), pairs["unique_id_r"].to_numpy()
    sides = dict(zip(SIDE_COLUMNS, (systems[left], ids[left], systems[right], ids[right]), strict=True))
    return pd.DataFrame({c: sides[c] if c in sides else pairs[c].to_numpy() for c in columns})


def link_records(
    records: pd.DataFrame,
    *,
    accept: float = ACCEPT_THRESHOLD,
    review: float = REVIEW_THRESHOLD,
    probabilistic: bool = True,
    model: dict | None = None,
    previous: Scored | None = None,
) -> LinkageResult:
    """Link source records into persons.

    ``records`` has the columns of ``intermediate.int_person_records`` (source_system, source_id, council_person_id,
    nhs_number, birth_date, first_name_std, last_name_std, postcode_std, postcode_district, sex_std).

    1. Deterministic: records sharing a valid NHS number, or a council person id, are one person.
    2. Probabilistic (``probabilistic``): Splink scores candidate pairs between different deterministic components
       (``linkage_model``); pairs with match probability >= ``accept`` are merged, strongest first, unless the merge
       would give a person two different NHS numbers, council ids, trust ids or carer refs.
    3. Clerical review: pairs in [``review``, ``accept``) between different persons, and refused merges, one pair
       per pair of persons.

    ``model``: a trained Splink model to score with instead of training one (``LinkageResult.model`` of an earlier
    run): the nightly build reuses the model a full refresh trained. With it, ``previous`` (``LinkageResult.scored``
    of the last run with that model) makes the run incremental: only the candidate pairs of records that are new,
    changed or moved to another deterministic component are scored, with the term frequencies the model was trained
    with; the other pairs are those scored before. The result is the same as scoring every pair with that model and
    those term frequencies.

    Person key: a hash of the cluster's anchor, its first record in (system, id) order with council records first,
    so the same input always gives the same keys and a person's key survives new records of other systems.
    """
    records = _ordered(records)
    n = len(records)
    det = deterministic_edges(records)
    left = np.concatenate([edge[0] for edge in det.values()])
    right = np.concatenate([edge[1] for edge in det.values()])
    det_labels = connected_components(n, left, right)
    edges = {f"deterministic_{name}": len(edge[0]) for name, edge in det.items()}
    joined = np.full(n, np.nan)
    labels = det_labels
    review_frame = pd.DataFrame({column: pd.Series(dtype=object) for column in REVIEW_COLUMNS})
    predictions = scored = None
    rescored = 0
    if probabilistic and n < MIN_RECORDS_FOR_SPLINK:
        log.warning("linkage: %d records are too few to train a Splink model; deterministic links only", n)
    elif probabilistic:
        from ingestion.linkage_model import train_and_predict

        scored_records = _scored_records(records, det_labels)
        dirty, kept, frequencies = None, None, None
        if model is not None and previous is not None:
            dirty, kept = _unchanged(scored_records, previous)
            frequencies = previous.term_frequencies
        rescored = n if dirty is None else int(dirty.sum())
        parts = [] if kept is None else [kept]  # the pairs scored before, then those scored now
        if rescored or model is None:  # else nothing is new or changed: no pair to score
            predictions = train_and_predict(
                records, det_labels, threshold=review, model=model, term_frequencies=frequencies, dirty=dirty
            )
            model, frequencies = predictions.model, predictions.term_frequencies
            parts.append(predictions.pairs.round({"match_probability": DECIMALS, "match_weight": DECIMALS}))
        pairs = pd.concat([part for part in parts if len(part)] or parts, ignore_index=True)
        pairs = pairs.sort_values(["unique_id_l", "unique_id_r"], kind="mergesort").reset_index(drop=True)
        scored = Scored(_by_id(records, pairs, PAIR_STORE_COLUMNS), scored_records, frequencies)
        labels, joined, held = constrained_clusters(records, det_labels, pairs, accept)
        above = pairs["match_probability"] >= accept
        edges["probabilistic_pairs_scored"] = len(pairs)  # candidate pairs at or above the review threshold
        edges["probabilistic_pairs_accepted"] = int((above & pairs["corroborated"]).sum()) - len(held)
        edges["probabilistic_pairs_refused"] = len(held)
        edges["probabilistic_pairs_not_corroborated"] = int((above & ~pairs["corroborated"]).sum())
        band = pd.concat(
            [
                pairs[~above].assign(review_reason="uncertain"),
                pairs[above & ~pairs["corroborated"]].assign(review_reason="not corroborated"),
                held,
            ]
        )
        review_frame = _review_pairs(records, labels, band)
    size = np.bincount(labels, minlength=n)[labels]
    det_size = np.bincount(det_labels, minlength=n)[det_labels]
    deterministic = (det_size > 1) & (det_labels == labels)
    method = np.where(size == 1, "singleton", np.where(deterministic, "deterministic", "probabilistic"))
    probability = np.where(method == "deterministic", 1.0, np.where(method == "probabilistic", joined, np.nan))
    anchors = records[["source_system", "source_id"]].to_numpy()
    keys = {int(label): person_key(*anchors[label]) for label in np.unique(labels)}
    links = pd.DataFrame(
        {
            "source_system": records["source_system"],
            "source_id": records["source_id"],
            "person_key": [keys[int(label)] for label in labels],
            "match_probability": np.round(probability, DECIMALS),
            "link_method": method,
        }
    )
    trained = predictions is not None and predictions.trained
    return LinkageResult(links, review_frame, edges, model if scored else None, trained, scored, rescored)


# ---- warehouse I/O ---------------------------------------------------------------------------------------------

_LINKS_DDL = f"""
create table {LINKS_TABLE} (
    source_system varchar not null,
    source_id varchar not null,
    person_key varchar not null,
    match_probability double precision,
    link_method varchar not null,
    primary key (source_system, source_id)
)"""
_REVIEW_DDL = f"""
create table {REVIEW_TABLE} (
    left_system varchar not null,
    left_id varchar not null,
    right_system varchar not null,
    right_id varchar not null,
    match_probability double precision not null,
    match_weight double precision,
    comparison_levels varchar,
    review_reason varchar not null
)"""


def _review_frame(review: pd.DataFrame) -> pd.DataFrame:
    return review.reindex(columns=REVIEW_COLUMNS)


_MODEL_DDL = f"""
create table if not exists {MODEL_TABLE} (
    model_version varchar not null,
    trained_at timestamp not null,
    records bigint not null,
    model_json varchar not null
)"""


_SCORED_DDL = {
    PAIRS_TABLE: f"""
create table {PAIRS_TABLE} (
    left_system varchar not null,
    left_id varchar not null,
    right_system varchar not null,
    right_id varchar not null,
    match_probability double precision not null,
    match_weight double precision not null,
    comparison_levels varchar not null,
    corroborated boolean not null
)""",
    SCORED_TABLE: f"""
create table {SCORED_TABLE} (
    source_system varchar not null,
    source_id varchar not null,
    fingerprint bigint not null,
    det_anchor varchar not null
)""",
    FREQUENCIES_TABLE: f"""
create table {FREQUENCIES_TABLE} (
    column_name varchar not null,
    term varchar not null,
    frequency double precision not null
)""",
}


def _model_row(result: LinkageResult, records: int) -> tuple[str, datetime, int, str]:
    return model_version(), datetime.now(UTC).replace(tzinfo=None), records, json.dumps(result.model, sort_keys=True)


class _Warehouse(Protocol):
    """What the linkage step needs of a warehouse connection (DuckDB or PostgreSQL); ``?`` marks a parameter."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def frame(self, sql: str) -> pd.DataFrame: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def insert(self, table: str, frame: pd.DataFrame) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...


class _DuckDBWarehouse:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, list(params)).fetchall()

    def frame(self, sql: str) -> pd.DataFrame:
        return self.conn.execute(sql).df()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql, list(params))

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        self.conn.register("linkage_rows", frame)
        try:
            self.conn.execute(f"insert into {table} select {', '.join(frame.columns)} from linkage_rows")
        finally:
            self.conn.unregister("linkage_rows")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute("begin transaction")
        try:
            yield
        except BaseException:
            self.conn.execute("rollback")
            raise
        self.conn.execute("commit")


class _PostgresWarehouse:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.conn.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), list(params))
            return cursor.fetchall()

    def frame(self, sql: str) -> pd.DataFrame:
        with self.conn.cursor() as cursor:
            cursor.execute(sql)
            columns = [column.name for column in cursor.description]
            return pd.DataFrame(cursor.fetchall(), columns=columns)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.conn.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), list(params))

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        """Bulk insert through COPY (CSV in memory; NULL as an unquoted empty field)."""
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False, na_rep="")
        buffer.seek(0)
        with self.conn.cursor() as cursor:
            cursor.copy_expert(f"copy {table} ({', '.join(frame.columns)}) from stdin with (format csv)", buffer)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.rollback()  # end the transaction the reads opened
        with self.conn:  # commit on success, rollback on error
            yield


def _exists(warehouse: _Warehouse, table: str) -> bool:
    schema, name = table.split(".")
    return bool(warehouse.rows(_TABLE_EXISTS, [schema, name])[0][0])


def _previous(warehouse: _Warehouse) -> Scored | None:
    """What the last run scored with the stored model (None when a table of it is missing)."""
    if not all(_exists(warehouse, table) for table in _SCORED_DDL):
        return None
    return Scored(
        warehouse.frame(f"select * from {PAIRS_TABLE}"),
        warehouse.frame(f"select * from {SCORED_TABLE}"),
        warehouse.frame(f"select * from {FREQUENCIES_TABLE}"),
    )


def _replace(warehouse: _Warehouse, table: str, ddl: str, frame: pd.DataFrame | None) -> None:
    """Drop ``table`` and, given ``frame``, create it (``ddl``) with the frame's rows."""
    warehouse.execute(f"drop table if exists {table}")
    if frame is not None:
        warehouse.execute(ddl)
        warehouse.insert(table, frame)


def _link_and_store(warehouse: _Warehouse, retrain: bool) -> tuple[LinkageResult, int]:
    """Read the person records (and, unless ``retrain``, the stored model and what the last run scored with it),
    link them, and replace the links, the review pairs and what was scored (and the model, when one was trained)
    in one transaction."""
    records = warehouse.frame(f"select * from {RECORDS_TABLE}")
    stored = previous = None
    if not retrain and _exists(warehouse, MODEL_TABLE):
        found = warehouse.rows(f"select model_json from {MODEL_TABLE} where model_version = ?", [model_version()])
        stored = found[0] if found else None
        previous = _previous(warehouse) if stored else None
    result = link_records(records, model=json.loads(stored[0]) if stored else None, previous=previous)
    scored = result.scored
    with warehouse.transaction():
        warehouse.execute("create schema if not exists linkage")
        _replace(warehouse, LINKS_TABLE, _LINKS_DDL, result.links[LINK_COLUMNS])
        _replace(warehouse, REVIEW_TABLE, _REVIEW_DDL, _review_frame(result.review))
        _replace(warehouse, PAIRS_TABLE, _SCORED_DDL[PAIRS_TABLE], scored.pairs if scored else None)
        _replace(warehouse, SCORED_TABLE, _SCORED_DDL[SCORED_TABLE], scored.records if scored else None)
        if scored is None or previous is None:  # the term frequencies were computed in this run (or there are none)
            frequencies = scored.term_frequencies if scored else None
            _replace(warehouse, FREQUENCIES_TABLE, _SCORED_DDL[FREQUENCIES_TABLE], frequencies)
        if result.trained:
            warehouse.execute(_MODEL_DDL)
            warehouse.execute(f"delete from {MODEL_TABLE}")
            warehouse.execute(f"insert into {MODEL_TABLE} values (?, ?, ?, ?)", _model_row(result, len(records)))
    return result, len(records)


def run_linkage(target: str = "duckdb", warehouse: Path | None = None, retrain: bool = True) -> LinkageSummary:
    """Link ``intermediate.int_person_records`` and replace ``linkage.person_links`` and
    ``linkage.clerical_review`` in one transaction.

    ``retrain``: train the Splink model on the records and store it (``linkage.model``); otherwise score with the
    stored model when one of this model version exists (the nightly build), training only when none does.

    ``target``: "duckdb" (the file ``warehouse``, default ``Settings.from_env().warehouse``) or "postgres"
    (psycopg2 with ASCWH_PG_HOST/PORT/USER/PASSWORD/DATABASE)."""
    started = time.monotonic()
    if target == "duckdb":
        from ingestion.settings import Settings
        from ingestion.warehouse import open_warehouse

        with open_warehouse(Path(warehouse or Settings.from_env().warehouse)) as conn:
            result, n = _link_and_store(_DuckDBWarehouse(conn), retrain)
    elif target == "postgres":
        import psycopg2

        from ingestion.postgres_copy import pg_connect_kwargs

        conn = psycopg2.connect(**pg_connect_kwargs())
        try:
            result, n = _link_and_store(_PostgresWarehouse(conn), retrain)
        finally:
            conn.close()
    else:
        raise ValueError(f"unknown linkage target {target!r}: duckdb or postgres")
    links = result.links
    summary = LinkageSummary(
        target=target,
        records=n,
        persons=int(links["person_key"].nunique()),
        links_by_method={str(k): int(v) for k, v in links["link_method"].value_counts().sort_index().items()},
        review_pairs=len(result.review),
        seconds=time.monotonic() - started,
        edges=dict(result.edges),
        model="trained" if result.trained else ("reused" if result.model else "none"),
        rescored_records=result.rescored_records,
    )
    log.info(
        "linkage: %d records, %d persons, %s, %d review pairs, %.1fs",
        summary.records,
        summary.persons,
        summary.links_by_method,
        summary.review_pairs,
        summary.seconds,
    )
    return summary
