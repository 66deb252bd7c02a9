"""Pairwise precision and recall of a linkage against the simulator's ground truth (``truth/identities.csv``).

Predicted pairs are pairs of records sharing a person key, true pairs are pairs sharing a ``person_uid``. Counts come
from the contingency table of (person_key, person_uid), never from enumerating pairs: a cluster of n records holds
n(n-1)/2 pairs, and the pairs of records of systems A and B in a cluster are n_A * n_B.

Only records present in both the links and the truth are scored. The simulator writes a truth identity for every
record it delivers except front-door contacts that carry a council person id (their identity is the council id's): such
contacts are counted as ``unscored`` (they join their council person deterministically). Truth identities of rows
that ingestion rejected or quarantined have no record to link: they are counted as ``missing_records``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Score:
    """Pairwise precision and recall, overall and per pair of systems (``by_systems``)."""

    precision: float
    recall: float
    true_positive_pairs: int
    predicted_pairs: int
    true_pairs: int
    scored_records: int
    unscored_records: int  # linked records without a truth identity
    missing_records: int  # truth identities the links do not contain
    by_systems: pd.DataFrame  # left_system, right_system, precision, recall, tp, predicted, true
    linkable: Score | None = None  # the same score without the records that carry nothing to link on
    unlinkable_records: int = 0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """(systems, precision, recall, true positive pairs, predicted pairs, true pairs) rows, overall first."""
        out = [
            ("all", *_fmt(self.precision, self.recall, self.true_positive_pairs, self.predicted_pairs, self.true_pairs))
        ]
        for row in self.by_systems.itertuples(index=False):
            out.append(
                (
                    f"{row.left_system}-{row.right_system}",
                    *_fmt(row.precision, row.recall, row.tp, row.predicted, row.true),
                )
            )
        return out

    def __str__(self) -> str:
        header = ("systems", "precision", "recall", "tp pairs", "predicted", "true")
        rows = [header, *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = [
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        lines.append(
            f"scored records {self.scored_records:,}; unscored (no truth identity) {self.unscored_records:,}; "
            f"truth records not linked {self.missing_records:,}"
        )
        if self.linkable is not None:
            lines.append(
                f"without the {self.unlinkable_records:,} records with no name, date of birth or NHS number: "
                f"precision {self.linkable.precision:.4f}, recall {self.linkable.recall:.4f}"
            )
        return "\n".join(lines)


def _fmt(precision: float, recall: float, tp: int, predicted: int, true: int) -> tuple[str, str, str, str, str]:
    return (f"{precision:.4f}", f"{recall:.4f}", f"{tp:,}", f"{predicted:,}", f"{true:,}")


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else 1.0


def _pairs(group: pd.Series, system: pd.Series, systems: list[str]) -> np.ndarray:
    """Pairs per pair of systems within the groups: a systems x systems matrix (upper triangle and diagonal)."""
    counts = pd.crosstab(group, system).reindex(columns=systems, fill_value=0).to_numpy(dtype=np.float64)
    cross = counts.T @ counts  # [a, b] = sum over groups of n_a * n_b
    same = (np.square(counts).sum(axis=0) - counts.sum(axis=0)) / 2  # n_a (n_a - 1) / 2 per system
    np.fill_diagonal(cross, same)
    return cross


def score_frames(links: pd.DataFrame, truth: pd.DataFrame) -> Score:
    """Score ``links`` (source_system, source_id, person_key) against ``truth`` (system, source_id, person_uid)."""
    truth = truth.rename(columns={"system": "source_system"})[["source_system", "source_id", "person_uid"]]
    truth = truth.astype(str).drop_duplicates(["source_system", "source_id"])
    linked = links[["source_system", "source_id", "person_key"]].astype(str)
    both = linked.merge(truth, on=["source_system", "source_id"], how="inner")
    systems = sorted(both["source_system"].unique())
    cell = both["person_key"] + "\x1f" + both["person_uid"]
    tp = _pairs(cell, both["source_system"], systems)
    predicted = _pairs(both["person_key"], both["source_system"], systems)
    true = _pairs(both["person_uid"], both["source_system"], systems)
    rows = []
    for i, left in enumerate(systems):
        for j in range(i, len(systems)):
            if true[i, j] == 0 and predicted[i, j] == 0:
                continue
            rows.append(
                (
                    left,
                    systems[j],
                    _ratio(tp[i, j], predicted[i, j]),
                    _ratio(tp[i, j], true[i, j]),
                    int(tp[i, j]),
                    int(predicted[i, j]),
                    int(true[i, j]),
                )
            )
    by_systems = pd.DataFrame(
        rows, columns=["left_system", "right_system", "precision", "recall", "tp", "predicted", "true"]
    )
    upper = np.triu(np.ones_like(tp, dtype=bool))
    total_tp, total_predicted, total_true = (int(m[upper].sum()) for m in (tp, predicted, true))
    keys = ["source_system", "source_id"]
    in_truth = linked.merge(truth[keys], on=keys, how="left", indicator=True)["_merge"]
    in_links = truth.merge(linked[keys], on=keys, how="left", indicator=True)["_merge"]
    return Score(
        precision=_ratio(total_tp, total_predicted),
        recall=_ratio(total_tp, total_true),
        true_positive_pairs=total_tp,
        predicted_pairs=total_predicted,
        true_pairs=total_true,
        scored_records=len(both),
        unscored_records=int((in_truth == "left_only").sum()),
        missing_records=int((in_links == "left_only").sum()),
        by_systems=by_systems,
    )


def unlinkable(records: pd.DataFrame) -> pd.Series:
    """Records that carry nothing to link on but their own id: no name, no date of birth, no NHS number (council
    ids known only from a DoLS application). They can join a person only through their id."""
    return records["first_name_std"].isna() & records["birth_date"].isna() & records["nhs_number"].isna()


def score_linkage(links: pd.DataFrame, identities_csv: Path, records: pd.DataFrame | None = None) -> Score:
    """Pairwise precision and recall of ``links`` against the simulator's ``truth/identities.csv``.

    With ``records`` (``intermediate.int_person_records``), ``Score.linkable`` also scores the links without the
    records that carry nothing to link on (``unlinkable``)."""
    truth = pd.read_csv(identities_csv, dtype=str, keep_default_na=False)
    score = score_frames(links, truth)
    if records is None:
        return score
    keys = ["source_system", "source_id"]
    empty = records.loc[unlinkable(records), keys].astype(str)
    kept = links.merge(empty, on=keys, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    return replace(score, linkable=score_frames(kept, truth), unlinkable_records=len(empty))


def score_warehouse(warehouse: Path, identities_csv: Path) -> Score:
    """Score the person links stored in a DuckDB ``warehouse`` (``linkage.person_links``) against the truth, with
    ``Score.linkable`` over the records of ``intermediate.int_person_records`` that carry something to link on."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        links = conn.execute("select source_system, source_id, person_key from linkage.person_links").df()
        records = conn.execute(
            "select source_system, source_id, first_name_std, birth_date, nhs_number "
            "from intermediate.int_person_records"
        ).df()
    return score_linkage(links, identities_csv, records)
