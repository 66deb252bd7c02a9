"""The equity and data-flow marts on the small simulated year (conftest ``small_year_built``).

Completeness counts add up to the people served, linkage never loses a recorded characteristic and gains
ethnicity, the outcome tests flag a difference built into the data and not a tiny group, and the daily feed
mart accounts for every delivery in ingestion's manifest and measures timeliness by the files' arrival.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingestion.dbt_build import invoke
from ingestion.settings import Settings

pytestmark = pytest.mark.slow

CHARACTERISTICS = {
    "age",
    "disability",
    "gender_reassignment",
    "marriage_and_civil_partnership",
    "pregnancy_and_maternity",
    "race",
    "religion_or_belief",
    "sex",
    "sexual_orientation",
}


@pytest.fixture(scope="module")
def warehouse(small_year_built: tuple[Settings, object]) -> Path:
    settings, _ = small_year_built
    return settings.warehouse


def _query(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).df()


def test_completeness_statuses_add_up_to_the_people_served(warehouse: Path) -> None:
    cells = _query(
        warehouse,
        "select source_system, basis, month_start, characteristic, sum(people) as people "
        "from marts.fct_protected_characteristic_completeness group by all",
    )
    assert set(cells["characteristic"]) == CHARACTERISTICS
    assert set(cells["basis"]) == {"source", "linked"}
    per_month = cells.groupby(["source_system", "month_start"])["people"].agg(["min", "max"])
    assert (per_month["min"] == per_month["max"]).all()

    served = _query(
        warehouse,
        """
        with months as (
            select max(month_start) as month_start, max(as_of_date) as as_of_date
            from marts.fct_protected_characteristic_completeness
        )
        select count(distinct events.person_key) as people
        from intermediate.int_events__unique as events, months
        where events.event_start_date <= months.as_of_date
            and (events.event_end_date is null or events.event_end_date >= months.month_start)
        """,
    )["people"].iloc[0]
    latest = cells[(cells["source_system"] == "council") & (cells["characteristic"] == "race")]
    latest = latest[latest["month_start"] == latest["month_start"].max()]
    assert set(latest.groupby("basis")["people"].sum()) == {served}


def test_non_answers_are_kept_apart_from_blanks(warehouse: Path) -> None:
    statuses = set(
        _query(
            warehouse,
            "select distinct recording_status from marts.fct_protected_characteristic_completeness "
            "where characteristic = 'race' and source_system = 'council' and basis = 'source'",
        )["recording_status"]
    )
    assert {"recorded", "missing"} < statuses
    assert statuses & {"not known", "refused", "not stated"}
    pregnancy = _query(
        warehouse,
        "select distinct recording_status from marts.fct_protected_characteristic_completeness "
        "where characteristic = 'pregnancy_and_maternity'",
    )
    assert list(pregnancy["recording_status"]) == ["missing"]


def test_linkage_never_loses_a_recorded_characteristic_and_gains_ethnicity(warehouse: Path) -> None:
    gain = _query(warehouse, "select * from marts.fct_linkage_completeness_gain").set_index(
        ["population", "characteristic"]
    )
    assert set(gain.index.get_level_values("characteristic")) == CHARACTERISTICS
    assert (gain["gain_over_council_pp"] >= 0).all()
    assert (gain["linked_share"] >= gain["best_single_source_share"] - 1e-9).all()
    assert gain.loc[("council", "race"), "gain_over_council_pp"] > 0
    assert gain.loc[("all", "race"), "linked_share"] > gain.loc[("all", "race"), "council_share"]
    assert gain.loc[("council", "pregnancy_and_maternity"), "linked_share"] == 0

    from_dimension = _query(
        warehouse,
        """
        select count(*) as recorded
        from marts.dim_person as people
        where people.is_current and people.ethnicity_status = 'recorded'
            and exists (
                select 1 from intermediate.int_person_observations as observations
                where observations.person_key = people.person_key and observations.source_system = 'council'
            )
        """,
    )["recorded"].iloc[0]
    assert gain.loc[("council", "race"), "linked_recorded"] == from_dimension


def test_a_built_in_difference_is_significant_and_a_tiny_group_is_not(warehouse: Path, tmp_path: Path) -> None:
    copy = replace(Settings.under(tmp_path), warehouse=tmp_path / "wh.duckdb")
    shutil.copy(warehouse, copy.warehouse)
    with duckdb.connect(str(copy.warehouse)) as conn:
        # Cotswold's new clients wait two months longer; five other assessments form a group of their own
        conn.execute(
            "update marts.fct_assessments set days_waited = days_waited + 60 "
            "where locality = 'Cotswold' and days_waited is not null"
        )
        conn.execute(
            "update marts.fct_assessments set age_band = 'tiny group', days_waited = 500 where assessment_id in ("
            "select assessment_id from marts.fct_assessments where days_waited is not null "
            "and locality <> 'Cotswold' order by assessment_id limit 5)"
        )
    result = invoke(["run", "--select", "fct_equity_outcomes"], copy, target_dir=tmp_path / "target")
    assert result.success, result.exception

    outcomes = _query(
        copy.warehouse,
        "select * from marts.fct_equity_outcomes where measure = 'mean_days_waited_for_assessment'",
    ).set_index(["breakdown", "group_value"])
    cotswold = outcomes.loc[("locality", "Cotswold")]
    assert cotswold["is_testable"] and cotswold["is_significant"]
    assert cotswold["difference"] > 40 and cotswold["ci_low"] > cotswold["comparison_value"]
    tiny = outcomes.loc[("age_band", "tiny group")]
    assert tiny["n"] == 5 and tiny["value"] == 500
    assert not tiny["is_testable"] and not tiny["is_significant"]
    assert tiny["ci_low"] <= tiny["value"] <= tiny["ci_high"]
    # every breakdown's groups add up to the same observations
    assert outcomes.groupby(level="breakdown")["n"].sum().nunique() == 1


def test_the_daily_feed_mart_accounts_for_every_delivery(warehouse: Path) -> None:
    days = _query(warehouse, "select * from marts.fct_feed_deliveries_daily")
    assert set(days["feed"]) == {"council", "health", "carers_hub", "safeguarding"}
    span = days.groupby("feed")["date_day"].agg(["min", "max", "count"])
    assert ((span["max"] - span["min"]).dt.days + 1 == span["count"]).all()
    assert days[days["feed"] != "carers_hub"]["is_expected"].all()
    monthly = days[(days["feed"] == "carers_hub") & days["is_expected"]]
    assert (monthly["date_day"] + pd.Timedelta(days=1)).dt.day.eq(1).all()

    manifest = (
        _query(
            warehouse,
            """
        select deliveries.feed,
            sum(case when deliveries.status = 'loaded' then deliveries.rows_loaded else 0 end) as rows_loaded,
            count(*) as files,
            count(quarantine.delivery_id) as quarantined
        from ingest.deliveries as deliveries
        left join ingest.quarantine as quarantine on deliveries.delivery_id = quarantine.delivery_id
        group by deliveries.feed
        """,
        )
        .set_index("feed")
        .sort_index()
    )
    counted = days.groupby("feed")[["rows_loaded", "files", "quarantined_batches"]].sum().sort_index()
    assert (counted["rows_loaded"] == manifest["rows_loaded"]).all()
    assert (counted["files"] == manifest["files"]).all()
    assert (counted["quarantined_batches"] == manifest["quarantined"]).all()
    assert days["rejected_share"].dropna().between(0, 1).all()
    assert (days.loc[days["is_loaded"], "days_since_last_delivery"] == 0).all()


def test_on_time_is_measured_by_the_files_arrival(small_year_built: tuple[Settings, object]) -> None:
    """The small year is landed in minutes, but its files carry their arrival times: most expected days are on
    time, and none whose delivery the simulator made late (``late_delivery`` in the ground truth)."""
    settings, _ = small_year_built
    days = _query(settings.warehouse, "select * from marts.fct_feed_deliveries_daily where is_expected")
    assert (
        _query(settings.warehouse, "select count(*) as n from ingest.deliveries where received_at is null")["n"][0] == 0
    )
    assert days.loc[days["is_loaded"], "first_arrived_at"].notna().all()
    share = days["is_on_time"].mean()
    assert 0.9 < share < 1, share
    truth = pd.read_csv(settings.landing / "truth" / "files.csv", keep_default_na=False)
    late = truth[truth["faults"].str.contains("late_delivery")]
    late_days = set(zip(late["feed"], pd.to_datetime(late["extract_date"]), strict=True))
    assert late_days
    is_late = [(feed, day) in late_days for feed, day in zip(days["feed"], days["date_day"], strict=True)]
    assert not days.loc[is_late, "is_on_time"].any()
    complete = days[days["is_complete"] & ~pd.Series(is_late, index=days.index)]
    assert complete["is_on_time"].mean() > 0.97  # late otherwise only when a correction replaced a quarantined file


def test_cross_system_visibility_counts_the_people_of_each_system(warehouse: Path) -> None:
    visibility = _query(warehouse, "select * from marts.fct_cross_system_visibility")
    assert set(visibility["measure"]) == {
        "ot_waiting_visible_to_council",
        "mh_waiting_visible_to_council",
        "ot_waiting_known_to_council",
        "mh_waiting_known_to_council",
        "carers_hub_carers_linked_to_council",
        "safeguarding_concerns_unknown_to_council",
    }
    assert visibility["share"].between(0, 1).all()
    by_measure = visibility.set_index(["measure", "month_start"]).sort_index()
    visible = by_measure.loc["ot_waiting_visible_to_council", "numerator"]
    known = by_measure.loc["ot_waiting_known_to_council", "numerator"]
    assert (visible <= known).all()

    concerns = _query(
        warehouse,
        "select cast(date_trunc('month', received_date) as date) as month_start, count(*) as concerns "
        "from marts.fct_safeguarding_concerns group by 1",
    ).set_index("month_start")["concerns"]
    unknown = by_measure.loc["safeguarding_concerns_unknown_to_council", "denominator"]
    assert unknown.sort_index().tolist() == concerns.sort_index().tolist()
