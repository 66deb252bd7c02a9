"""The probabilistic part of the person linkage: a Splink (Fellegi-Sunter) model on an in-memory DuckDB.

Comparisons (each level's m and u are estimated; see ``train_and_predict``):

- name (first and last together, so that one noise does not count twice): exact (term frequency of the full name) /
  names swapped / same surname and interchangeable first names (a nickname, ``linkage_names``) / same first name and
  one edit in the surname (Damerau-Levenshtein: transposed letters) / interchangeable first names and one edit /
  swapped and similar / both similar (Jaro-Winkler >= 0.88) / same surname only (twins, spouses: strong evidence
  against) / same first name only / different;
- date of birth: exact / day and month swapped / one character different / same year / different;
- postcode: exact / sector / district / different (people move: learnt from the data);
- sex: agree / disagree;
- NHS number and council person id: agree / disagree (agreement is linked deterministically before; disagreement
  of two valid identifiers is strong evidence against a match).

Training: u by random sampling (seeded: the model, and so the keys, are reproducible), m by expectation
maximisation on three blocking rules (date of birth; first and last name; postcode), each rule training the
comparisons it does not block on. The prior (probability that two random records match) comes from the
deterministic rules (NHS number, council id) with an assumed recall (PRIOR_RECALL).

Prediction blocks on pairs of fields (so that one wrong or missing field never hides a true pair, and scale 10 stays
small: 0.41 million candidate pairs at scale 1, of which 0.12 million non-matches, the part that grows with the
square of the scale) and skips pairs already joined deterministically. A scored pair is linked only if it is also
corroborated (CORROBORATING): see ingestion/linkage.py for the thresholds.

Measured at scale 1 (206,740 records): the trained model puts date of birth exact at +13.5 bits, postcode exact at
+14.3, full name exact at +12.5 (before term frequency), same surname with a different first name at -14.2, a
different postcode at -8.6 (few people move within the year), against a prior of -14.5.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from ingestion.linkage_names import name_groups

if TYPE_CHECKING:
    from splink import Linker, SettingsCreator
    from splink.comparison_library import CustomComparison

log = logging.getLogger(__name__)

SEED = 20240331  # random sampling for u: a fixed seed makes the model (and the keys) reproducible
U_MAX_PAIRS = 5e6  # random pairs for u: ~13 pairs even at the rarest level (names swapped, u ~ 3e-6)
EM_MAX_PAIRS = 2e6
# DuckDB's memory for Splink (beyond it, DuckDB spills to a temporary folder); peak was 1.5 GB at scale 3
MEMORY_LIMIT = os.environ.get("ASCWH_LINKAGE_MEMORY_LIMIT", "4GB")
PRIOR_RECALL = 0.6  # share of true matching pairs that the deterministic rules find (measured ~0.44-0.6)

TF_COLUMNS = ("full_name", "last_name")  # the columns whose exact agreement is weighted by term frequency
PAIR_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight", "comparison_levels", "corroborated"]
# A pair is linked automatically only when the names agree (exactly, swapped, as interchangeable first names, with one
# edit in the surname, or both similar) and something besides the name agrees too: the date of birth (exactly, with
# day and month swapped, or one character apart) or the postcode (exactly or to the sector). Names alone are shared by
# too many people (two thirds of name-only pairs above 0.9 were wrong at scale 1), and a date of birth and postcode
# with different names are a couple or twins as often as one person recorded badly: such pairs go to clerical review.
CORROBORATING = {
    "name": {
        "exact",
        "names swapped",
        "surname exact, first name interchangeable",
        "first name exact, surname one edit",
        "first name interchangeable, surname one edit",
        "names swapped, similar",
        "both similar",
    },
    "birth_date": {"exact", "day and month swapped", "one character"},
    "postcode": {"exact", "sector"},
}


@dataclass(frozen=True)
class Predictions:
    """Scored candidate pairs: unique_id_l, unique_id_r (row numbers of the ordered records), match_probability,
    match_weight, and a readable ``comparison_levels`` text (no personal data, only the level names)."""

    pairs: pd.DataFrame
    prior: float
    model: dict  # the trained Splink model (settings with m and u), for inspection and for the docs
    term_frequencies: pd.DataFrame  # column_name, term, frequency: those the pairs were scored with
    trained: bool  # the model was trained on these records (not given)


_INPUT_SQL = """
with base as (
    select
        cast(position as bigint) as unique_id,
        source_system,
        cast(det_cluster as bigint) as det_cluster,
        first_name_std as first_name,
        last_name_std as last_name,
        first_name_std || ' ' || last_name_std as full_name,
        strftime(birth_date, '%Y-%m-%d') as birth_date,
        case when day(birth_date) <= 12 and day(birth_date) <> month(birth_date)
            then strftime(birth_date, '%Y-%d-%m')
        end as birth_date_swapped,
        postcode_std as postcode,
        postcode_district,
        sex_std as sex,
        nhs_number,
        case when source_system = 'council' then source_id else council_person_id end as council_id,
        dirty
    from records
)
select
    base.*,
    case when birth_date is null and postcode is null then full_name end as name_only,
    substr(birth_date, 1, 4) as birth_year,
    substr(birth_date, 6, 5) as birth_month_day,
    substr(postcode, 1, length(postcode) - 2) as postcode_sector,
    coalesce(name_groups.ids, cast([] as integer[])) as first_name_groups
from base
left join name_groups on name_groups.name = base.first_name
order by unique_id
"""


def create_input(
    connection: duckdb.DuckDBPyConnection,
    records: pd.DataFrame,
    det_labels: np.ndarray,
    dirty: np.ndarray | None = None,
) -> str:
    """Create the table Splink reads, ``person_records``, in ``connection``: one row per ordered record
    (``unique_id`` = its position), standardised fields only: names, full name (for term frequencies), first-name
    groups (nicknames), date of birth as text and with day and month swapped, postcode with its sector and district,
    sex, NHS number, council id, the deterministic component, and ``dirty`` (default every record): a pair is scored
    only if one of its records is. Returns the table name."""
    columns = ["source_system", "source_id", "council_person_id", "nhs_number", "first_name_std", "last_name_std"]
    columns += ["postcode_std", "postcode_district", "sex_std"]
    frame = records[columns].assign(
        position=np.arange(len(records)),
        det_cluster=det_labels,
        birth_date=pd.to_datetime(records["birth_date"]),
        dirty=np.ones(len(records), dtype=bool) if dirty is None else dirty,
    )
    groups = pd.DataFrame({"name": list(name_groups()), "ids": [list(ids) for ids in name_groups().values()]})
    connection.register("records", frame)
    connection.register("name_groups", groups)
    try:
        connection.execute(f"create or replace table person_records as {_INPUT_SQL}")
    finally:
        connection.unregister("records")
        connection.unregister("name_groups")
    return "person_records"


def splink_input(records: pd.DataFrame, det_labels: np.ndarray) -> pd.DataFrame:
    """The input table as a DataFrame (for inspection and tests)."""
    with duckdb.connect() as connection:
        return connection.execute(f"select * from {create_input(connection, records, det_labels)}").df()


def _settings() -> SettingsCreator:
    import splink.comparison_level_library as cll
    from splink import SettingsCreator
    from splink.comparison_library import CustomComparison

    first, last = "first_name", "last_name"
    name = CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.Or(cll.NullLevel(first), cll.NullLevel(last)),
            cll.ExactMatchLevel("full_name").configure(tf_adjustment_column="full_name", label_for_charts="exact"),
            cll.ColumnsReversedLevel(first, last, symmetrical=True).configure(label_for_charts="names swapped"),
            cll.And(
                cll.ExactMatchLevel(last),
                cll.CustomLevel("len(list_intersect(first_name_groups_l, first_name_groups_r)) > 0"),
            ).configure(tf_adjustment_column=last, label_for_charts="surname exact, first name interchangeable"),
            cll.And(cll.ExactMatchLevel(first), cll.DamerauLevenshteinLevel(last, 1)).configure(
                label_for_charts="first name exact, surname one edit"
            ),
            cll.And(
                cll.DamerauLevenshteinLevel(last, 1),
                cll.CustomLevel("len(list_intersect(first_name_groups_l, first_name_groups_r)) > 0"),
            ).configure(label_for_charts="first name interchangeable, surname one edit"),
            cll.CustomLevel(
                "jaro_winkler_similarity(first_name_l, last_name_r) >= 0.9"
                " and jaro_winkler_similarity(last_name_l, first_name_r) >= 0.9",
                label_for_charts="names swapped, similar",
            ),
            cll.And(cll.JaroWinklerLevel(first, 0.88), cll.JaroWinklerLevel(last, 0.88)).configure(
                label_for_charts="both similar"
            ),
            cll.ExactMatchLevel(last).configure(
                tf_adjustment_column=last, label_for_charts="surname exact, first name different"
            ),
            cll.ExactMatchLevel(first).configure(label_for_charts="first name exact, surname different"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )
    birth_date = CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="exact"),
            cll.CustomLevel("birth_date_swapped_l = birth_date_r", label_for_charts="day and month swapped"),
            cll.DamerauLevenshteinLevel("birth_date", 1).configure(label_for_charts="one character"),
            cll.CustomLevel("substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4)", label_for_charts="same year"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )
    postcode = CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="exact"),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="sector"),
            cll.ExactMatchLevel("postcode_district").configure(label_for_charts="district"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )

    def agree_disagree(column: str) -> CustomComparison:
        return CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column).configure(label_for_charts="agree"),
                cll.ElseLevel().configure(label_for_charts="disagree"),
            ],
        )

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            name,
            birth_date,
            postcode,
            agree_disagree("sex"),
            agree_disagree("nhs_number"),
            agree_disagree("council_id"),
        ],
        # each rule twice, driven by the dirty records of one side and then of the other, so that DuckDB filters a
        # side before the join (an "or" of both sides is applied after it): a nightly run's blocking then costs in
        # proportion to its new and changed records (scale 10: 2.8 s for 7,000 of 2 million, 9.5 s with the "or")
        blocking_rules_to_generate_predictions=[
            f"{rule} and l.det_cluster <> r.det_cluster and {side}"
            for rule in PREDICTION_BLOCKING_RULES
            for side in ("l.dirty", "r.dirty and not l.dirty")
        ],
        additional_columns_to_retain=["det_cluster"],
        retain_matching_columns=True,  # keeps the gamma (level) columns; the values are dropped after
        retain_intermediate_calculation_columns=False,
        max_iterations=50,
    )


def _equal(*columns: str) -> str:
    return " and ".join(f"l.{column} = r.{column}" for column in columns)


# Pairs of fields, so that one wrong or missing field never hides a true pair: a typo in the surname is caught by
# date of birth + first name, a nickname by date of birth + surname, a swapped date by surname + swapped date, a typo
# in the date by name + year or name + day and month, a missing date by name + postcode (or district), swapped names
# by date of birth + postcode or by the reversed names. The name alone is not a blocking key: it would give 2.2
# million candidate pairs at scale 1 (220 million at scale 10) for pairs that cannot be linked without corroboration.
PREDICTION_BLOCKING_RULES = [
    _equal("birth_date", "first_name"),
    _equal("birth_date", "last_name"),
    _equal("birth_date", "postcode"),
    _equal("first_name", "last_name", "birth_year"),
    _equal("first_name", "last_name", "birth_month_day"),
    _equal("first_name", "last_name", "postcode_district"),
    _equal("last_name", "postcode"),
    _equal("first_name", "postcode"),
    "l.birth_date_swapped = r.birth_date and l.last_name = r.last_name",
    "l.first_name = r.last_name and l.last_name = r.first_name",
    # a record with a name only (no date of birth, no postcode) meets every record of the same name: such pairs are
    # never linked automatically (not corroborated) but reach clerical review
    "l.name_only = r.full_name",
    "l.full_name = r.name_only",
]


def level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    """gamma column -> {comparison vector value: level label}."""
    out: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        labels = {}
        for level in comparison.comparison_levels:
            label = "null" if level.is_null_level else level.label_for_charts
            labels[level.comparison_vector_value] = label
        out[f"gamma_{comparison.output_column_name}"] = labels
    return out


def model_version() -> str:
    """A fingerprint of the model's definition (this module and the name groups): a stored model trained under
    another definition is not reused."""
    here = Path(__file__).parent
    sources = (here / "linkage_model.py", here / "linkage_names.py")
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:16]


def _train(table: object, n: int) -> Linker:
    """A linker on ``table`` (``n`` records) with its prior (from the deterministic rules), u (random sampling) and
    m (expectation maximisation) estimated."""
    from splink import Linker, block_on

    linker = Linker(table, _settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nhs_number"), block_on("council_id")], recall=PRIOR_RECALL
    )
    all_pairs = n * (n - 1) / 2
    u_pairs = min(U_MAX_PAIRS, max(1e5, all_pairs / 10))  # a small input needs (and has) fewer pairs
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=SEED)
    for rule in (
        block_on("birth_date"),
        block_on("first_name", "last_name"),
        block_on("postcode"),
    ):
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=EM_MAX_PAIRS, estimate_without_term_frequencies=True
            )
        except ValueError as exc:  # on a few thousand records EM can drive a rare level's m below a float's range
            if "m_probability" not in str(exc):
                raise
            log.warning("linkage: expectation maximisation on one blocking rule failed; the model before it is kept")
            linker = Linker(table, before, log_level=logging.WARNING)
    return linker


def train_and_predict(
    records: pd.DataFrame,
    det_labels: np.ndarray,
    threshold: float,
    model: dict | None = None,
    term_frequencies: pd.DataFrame | None = None,
    dirty: np.ndarray | None = None,
) -> Predictions:
    """Train the model on the ordered ``records`` (``create_input``) and score the candidate pairs with match
    probability >= ``threshold`` (the bottom of the clerical-review band).

    Given ``model`` (``Predictions.model`` of an earlier run), training is skipped and the pairs are scored with
    that model's prior, m and u: the nightly path (training is most of the work), while a full refresh retrains on
    every record. Given ``term_frequencies`` (``Predictions.term_frequencies`` of the run that trained the model),
    those are used rather than the frequencies of ``records``, so that a pair scores the same every night and a
    pair scored before need not be scored again. Given ``dirty`` (a flag per record), only the candidate pairs
    with a dirty record are scored.

    Splink works in an in-memory DuckDB that may spill to a temporary folder beyond ``MEMORY_LIMIT``."""
    from splink import DuckDBAPI, Linker

    with tempfile.TemporaryDirectory(prefix="ascwh-linkage-") as spill, duckdb.connect() as connection:
        connection.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        connection.execute(f"set temp_directory = '{spill}'")
        connection.execute("set preserve_insertion_order = false")
        db_api = DuckDBAPI(connection=connection)
        table = db_api.register(create_input(connection, records, det_labels, dirty))
        linker = _train(table, len(records)) if model is None else Linker(table, model, log_level=logging.WARNING)
        if term_frequencies is not None:
            for column in TF_COLUMNS:
                terms = term_frequencies[term_frequencies["column_name"] == column]
                frame = pd.DataFrame({column: terms["term"].to_numpy(), f"tf_{column}": terms["frequency"].to_numpy()})
                linker.table_management.register_term_frequency_lookup(db_api.register(frame), column)
        frequencies = term_frequencies if term_frequencies is not None else _term_frequencies(linker, connection)
        prior = float(linker._settings_obj._probability_two_random_records_match)
        labels = level_labels(linker)
        gamma_columns = list(labels)  # one gamma (level) column per comparison
        saved = linker.misc.save_model_to_json()
        predicted = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        kept = ["unique_id_l", "unique_id_r", "match_probability", "match_weight", *gamma_columns]
        pairs = connection.execute(f"select {', '.join(kept)} from {predicted.physical_name}").df()  # no names
        predicted.drop_table_from_database_and_remove_from_cache()
        levels = {column: pairs[column].map(labels[column]).fillna("?") for column in gamma_columns}
        text = pd.Series("", index=pairs.index, dtype=object)
        for position, column in enumerate(gamma_columns):
            text = text + ("; " if position else "") + column.removeprefix("gamma_") + ": " + levels[column]
        pairs["comparison_levels"] = text
        pairs["corroborated"] = levels["gamma_name"].isin(CORROBORATING["name"]) & (
            levels["gamma_birth_date"].isin(CORROBORATING["birth_date"])
            | levels["gamma_postcode"].isin(CORROBORATING["postcode"])
        )
        pairs = pairs[PAIR_COLUMNS].sort_values(["unique_id_l", "unique_id_r"], kind="mergesort")
        return Predictions(pairs, prior, saved, frequencies, model is None)


def _term_frequencies(linker: Linker, connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The term frequencies of the records the linker reads (``TF_COLUMNS``), one row per column and term."""
    frames = []
    for column in TF_COLUMNS:
        table = linker.table_management.compute_tf_table(column)
        frame = connection.execute(f"select {column} as term, tf_{column} as frequency from {table.physical_name}").df()
        frames.append(frame.assign(column_name=column))
    out = pd.concat(frames, ignore_index=True)[["column_name", "term", "frequency"]]
    return out.sort_values(["column_name", "term"], kind="mergesort").reset_index(drop=True)
