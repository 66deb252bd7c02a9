"""The Safeguarding Adults Board's quarterly pack, built from the marts.

For a quarter and the financial year to its end, in the layout of the Safeguarding Adults Collection (SAC,
docs/national-rules.md): concerns and enquiries (Section 42 and other), counted by case and by individual, with
rates per 100,000 adults beside England's (seed ``reference/england_safeguarding``); concluded enquiries by type,
location and source of risk and by risk outcome; Making Safeguarding Personal. Then the equity breakdowns
(:mod:`ingestion.share.equity`), data-quality notes (:mod:`ingestion.share.quality`) and a pseudonymised
concern-level extract for the board's audit (:mod:`ingestion.share.extract`).

Every table goes through :mod:`ingestion.share.disclosure` before it is kept: nothing here is published raw.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.share.disclosure import CountTable, Published, protect, ratio, statistic
from ingestion.share.periods import Period, Quarter
from ingestion.share.tables import PackTable, crosstab, ordered, query, table_exists
from ingestion.warehouse import warehouse_lock

NOT_RECORDED = "Not recorded"
ENQUIRY_TYPES = ("Section 42", "Other")
DECISIONS = ("Section 42 enquiry", "Other enquiry", "No enquiry", "Pending")
RISK_OUTCOMES = ("Risk removed", "Risk reduced", "Risk remains")
NO_RISK = "No risk identified or not recorded"
RISK_IDENTIFIED = "Risk identified"
PER_100K = 100_000
DAYS_IN_YEAR = 365.25
TOTAL = "Total"
CONCERNS = "fct_safeguarding_concerns"
ENQUIRIES = "fct_safeguarding_enquiries"
ENGLAND_SEED = "codes.england_safeguarding"
POPULATION = "select sum(cast(adult_population_approx as integer)) from codes.locality"  # the six districts' adults


@dataclass
class BoardPack:
    """What is shared for one quarter: the tables, notes for the reader, and the record-level extract."""

    quarter: Quarter
    data_to: date | None  # the last safeguarding extract the warehouse holds
    tables: list[PackTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extract: pd.DataFrame = field(default_factory=pd.DataFrame)


def build_board_pack(warehouse: Path, quarter: Quarter, key: bytes) -> BoardPack:
    """Read the marts (holding the warehouse's lock, so no build writes them meanwhile) and build the pack."""
    from ingestion.share.equity import equity_tables
    from ingestion.share.extract import concern_extract
    from ingestion.share.quality import quality_tables

    with warehouse_lock(warehouse), closing(duckdb.connect(str(warehouse), read_only=True)) as conn:
        pack = BoardPack(quarter, data_to=_data_to(conn))
        pack.notes += _period_notes(quarter, pack.data_to)
        _safeguarding_tables(conn, quarter, pack)
        for tables, notes in (equity_tables(conn, quarter), quality_tables(conn, quarter)):
            pack.tables += tables
            pack.notes += notes
        pack.extract = concern_extract(conn, quarter.periods()["Quarter"], key)
    return pack


def slug(period_name: str) -> str:
    return period_name.lower().replace(" ", "_")


def _data_to(conn: duckdb.DuckDBPyConnection) -> date | None:
    return conn.execute(f"select max(extract_date) from marts.{CONCERNS}").fetchone()[0]


def _period_notes(quarter: Quarter, data_to: date | None) -> list[str]:
    periods = quarter.periods()
    notes = [
        f"Quarter {quarter}: {periods['Quarter'].describe()}. Year to date: {periods['Year to date'].describe()} "
        "(the Safeguarding Adults Collection year runs April to March).",
        "Disclosure control (NHS England practice): counts of 1 to 7 are shown as * and other counts are rounded "
        "to the nearest 5 (zero stays zero); further cells are suppressed where a suppressed count could be worked "
        "out from its row or column totals. Percentages and rates are computed from the rounded counts, and "
        "medians of fewer than 8 people are suppressed. Rounded counts need not add up to their rounded totals.",
    ]
    if data_to is None or data_to < quarter.end:
        held = f"up to {data_to:%-d %B %Y}" if data_to else "none"
        notes.append(f"Incomplete quarter: the warehouse holds safeguarding extracts {held}.")
    return notes


# ---- the Safeguarding Adults Collection tables ----------------------------------------------------------------


def _safeguarding_tables(conn: duckdb.DuckDBPyConnection, quarter: Quarter, pack: BoardPack) -> None:
    periods = quarter.periods()
    population = int(conn.execute(POPULATION).fetchone()[0])
    england = _england(conn)
    summary = _summary(conn, periods, population, england)
    pack.tables.append(PackTable("summary", f"Concerns and enquiries, {quarter}", summary))
    by_period = {
        "concerns_by_locality": ("Concerns received by locality and decision", _concerns_by_locality),
        "type_of_risk": ("Concluded enquiries by type of risk", _type_of_risk),
        "location_of_risk": ("Concluded enquiries by location of risk", _location_of_risk),
        "source_of_risk": ("Concluded enquiries by source of risk", _source_of_risk),
        "risk_outcomes": ("Concluded enquiries by risk outcome", _risk_outcomes),
    }
    for name, period in periods.items():
        for table_name, (title, build) in by_period.items():
            heading = f"{title}, {name.lower()}: {period.describe()}"
            pack.tables.append(PackTable(f"{table_name}_{slug(name)}", heading, build(conn, period)))
    msp = _msp(conn, periods)
    pack.tables.append(PackTable("making_safeguarding_personal", f"Making Safeguarding Personal, {quarter}", msp))
    pack.notes += [
        f"Rates per 100,000 adults use the county's adult population ({population:,}, 2021 Census, rounded) and "
        f"are annualised (scaled to 365 days) to compare with England's annual rates ({england.period}, "
        f"{england.source}).",
        "Type of risk: an enquiry counts once under each type of risk recorded on its concern, so the rows add up "
        "to more than the number of enquiries, and the table has no total row.",
        "Concerns are counted by the date received, enquiries started by their start date, and the tables of "
        "concluded enquiries by the date concluded. Individuals are distinct people (linked across systems).",
    ]


@dataclass(frozen=True)
class England:
    """England's published rates per 100,000 adults (seed reference/england_safeguarding)."""

    concerns: float
    enquiries: float
    period: str
    source: str


def _england(conn: duckdb.DuckDBPyConnection) -> England:
    if not table_exists(conn, ENGLAND_SEED):
        raise RuntimeError(
            f"{ENGLAND_SEED} is missing: build the warehouse (ascwh build) so the seed "
            "dbt_project/seeds/reference/england_safeguarding.csv is loaded"
        )
    rows = query(conn, f"select measure, value, period, source from {ENGLAND_SEED}").set_index("measure")
    concerns, enquiries = rows.loc["concerns_per_100k_adults"], rows.loc["enquiries_started_per_100k_adults"]
    source = concerns["source"].split(" (")[0]
    return England(float(concerns["value"]), float(enquiries["value"]), str(concerns["period"]), source)


SUMMARY_COUNTS = """
select
    (select count(*) from marts.fct_safeguarding_concerns where received_date between $start and $end)
        as concerns,
    (select count(distinct coalesce(person_key, concern_id)) from marts.fct_safeguarding_concerns
        where received_date between $start and $end) as concern_people,
    (select count(*) from marts.fct_safeguarding_enquiries
        where started_date between $start and $end and is_section_42) as section_42,
    (select count(*) from marts.fct_safeguarding_enquiries
        where started_date between $start and $end and not is_section_42) as other,
    (select count(distinct coalesce(person_key, enquiry_id)) from marts.fct_safeguarding_enquiries
        where started_date between $start and $end) as enquiry_people,
    (select count(*) from marts.fct_safeguarding_enquiries where concluded_date between $start and $end)
        as concluded,
    (select median(days_to_decision) from marts.fct_safeguarding_concerns
        where decision_date between $start and $end) as decision_days,
    (select count(*) from marts.fct_safeguarding_concerns where decision_date between $start and $end
        and days_to_decision is not null) as decided,
    (select median(days_to_conclude) from marts.fct_safeguarding_enquiries
        where concluded_date between $start and $end) as conclude_days
"""

CONCERNS_ROW = "Concerns received"
STARTED_ROW = "Enquiries started"
CONCERNS_RATE = "Concerns per 100,000 adults (annualised)"
STARTED_RATE = "Enquiries started per 100,000 adults (annualised)"
COUNT_ROWS = {
    CONCERNS_ROW: "concerns",
    "Individuals with a concern": "concern_people",
    "Section 42 enquiries started": "section_42",
    "Other enquiries started": "other",
    STARTED_ROW: None,  # the sum of the two above
    "Individuals with an enquiry started": "enquiry_people",
    "Enquiries concluded": "concluded",
}


def _summary(
    conn: duckdb.DuckDBPyConnection, periods: dict[str, Period], population: int, england: England
) -> pd.DataFrame:
    """Headline counts (by case and by individual), rates beside England's, conversion and timeliness."""
    raw = {name: query(conn, SUMMARY_COUNTS, period).iloc[0] for name, period in periods.items()}
    leaves = pd.DataFrame(
        {name: [int(row[column]) for column in COUNT_ROWS.values() if column] for name, row in raw.items()},
        index=pd.Index([label for label, column in COUNT_ROWS.items() if column], name="Measure"),
    )
    table = CountTable.nested(
        leaves, {STARTED_ROW: ["Section 42 enquiries started", "Other enquiries started"]}, order=list(COUNT_ROWS)
    )
    published = protect(table).set_index("Measure")
    derived: dict[str, dict[str, Published]] = {
        CONCERNS_RATE: {},
        STARTED_RATE: {},
        "Conversion rate: enquiries started per 100 concerns": {},
        "Median days from concern to decision": {},
        "Median days from enquiry start to conclusion": {},
    }
    rows = list(derived.values())
    for name, period in periods.items():
        per = PER_100K * DAYS_IN_YEAR / period.days
        rows[0][name] = ratio(published.at[CONCERNS_ROW, name], population, per=per, digits=0)
        rows[1][name] = ratio(published.at[STARTED_ROW, name], population, per=per, digits=0)
        rows[2][name] = ratio(published.at[STARTED_ROW, name], published.at[CONCERNS_ROW, name])
        rows[3][name] = statistic(raw[name]["decision_days"], int(raw[name]["decided"]))
        rows[4][name] = statistic(raw[name]["conclude_days"], int(raw[name]["concluded"]))
    frame = pd.concat([published, pd.DataFrame.from_dict(derived, orient="index")]).astype(object)
    frame[f"England ({england.period})"] = None
    frame.loc[CONCERNS_RATE, f"England ({england.period})"] = england.concerns
    frame.loc[STARTED_RATE, f"England ({england.period})"] = england.enquiries
    frame.index.name = "Measure"
    return frame.reset_index()


def _code_list(conn: duckdb.DuckDBPyConnection, seed: str) -> list[str]:
    return [value for (value,) in conn.execute(f"select value from codes.{seed}").fetchall()]


def _concerns_by_locality(conn: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    counts = query(
        conn,
        f"select coalesce(locality, '{NOT_RECORDED}') as row, decision as column, count(*) as n "
        f"from marts.{CONCERNS} where received_date between $start and $end group by all",
        period,
    )
    localities = [value for (value,) in conn.execute("select locality from codes.locality order by 1").fetchall()]
    rows = ordered(localities, counts["row"], last=[NOT_RECORDED])
    table = crosstab(counts, rows, ordered(DECISIONS, counts["column"]), "Locality")
    return protect(CountTable.with_margins(table))


CONCLUDED = f"from marts.{ENQUIRIES} where concluded_date between $start and $end"


def _concluded_by(conn: duckdb.DuckDBPyConnection, period: Period, column: str, label: str) -> pd.DataFrame:
    """Concluded enquiries by ``column`` (its code list ``sg_<column>`` first, then other values, then none)
    and enquiry type."""
    counts = query(
        conn,
        f"select coalesce({column}, '{NOT_RECORDED}') as row, enquiry_type as column, count(*) as n "
        f"{CONCLUDED} group by all",
        period,
    )
    rows = ordered(_code_list(conn, f"sg_{column}"), counts["row"], last=[NOT_RECORDED])
    table = crosstab(counts, rows, ordered(ENQUIRY_TYPES, counts["column"]), label)
    return protect(CountTable.with_margins(table))


def _location_of_risk(conn: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    return _concluded_by(conn, period, "location_of_risk", "Location of risk")


def _source_of_risk(conn: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    return _concluded_by(conn, period, "source_of_risk", "Source of risk")


def _type_of_risk(conn: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    counts = query(
        conn,
        "select type_of_risk as row, enquiry_type as column, count(distinct enquiry_id) as n "
        "from marts.bridge_safeguarding_concern_risk_types where enquiry_id is not null "
        "and enquiry_concluded_date between $start and $end group by all",
        period,
    )
    rows = ordered(_code_list(conn, "sg_type_of_risk"), counts["row"])
    table = crosstab(counts, rows, ordered(ENQUIRY_TYPES, counts["column"]), "Type of risk")
    return protect(CountTable.with_margins(table, total_row=None))


def _risk_outcomes(conn: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Concluded enquiries by risk outcome, with the share of each outcome where a risk was identified."""
    counts = query(
        conn,
        f"select coalesce(risk_outcome, '{NO_RISK}') as row, enquiry_type as column, count(*) as n "
        f"{CONCLUDED} group by all",
        period,
    )
    rows = ordered(RISK_OUTCOMES, counts["row"], last=[NO_RISK])
    leaves = crosstab(counts, rows, ordered(ENQUIRY_TYPES, counts["column"]), "Risk outcome")
    identified = [row for row in leaves.index if row != NO_RISK]
    table = CountTable.nested(
        leaves,
        {RISK_IDENTIFIED: identified, TOTAL: [RISK_IDENTIFIED, NO_RISK]},
        order=[*identified, RISK_IDENTIFIED, NO_RISK, TOTAL],
        total_column=TOTAL,
    )
    published = protect(table).set_index("Risk outcome")
    shares = {
        f"{outcome} (% of risk identified)": {
            column: ratio(published.at[outcome, column], published.at[RISK_IDENTIFIED, column])
            for column in published.columns
        }
        for outcome in identified
    }
    shares[f"{RISK_IDENTIFIED} (% of concluded enquiries)"] = {
        column: ratio(published.at[RISK_IDENTIFIED, column], published.at[TOTAL, column])
        for column in published.columns
    }
    frame = pd.concat([published, pd.DataFrame.from_dict(shares, orient="index")])
    frame.index.name = "Risk outcome"
    return frame.astype(object).reset_index()


MSP_COUNTS = f"""
select
    count(*) filter (where asked_desired_outcomes = 'Yes - asked and outcomes expressed') as expressed,
    count(*) filter (where asked_desired_outcomes = 'Yes - asked but no outcomes expressed') as not_expressed,
    count(*) filter (where asked_desired_outcomes = 'No') as not_asked,
    count(*) filter (where asked_desired_outcomes = 'Don''t know') as dont_know,
    count(*) filter (where asked_desired_outcomes = 'Not recorded' or asked_desired_outcomes is null)
        as asked_not_recorded,
    count(*) filter (where outcomes_expressed and outcomes_achieved = 'Fully achieved') as fully,
    count(*) filter (where outcomes_expressed and outcomes_achieved = 'Partially achieved') as partially,
    count(*) filter (where outcomes_expressed and outcomes_achieved = 'Not achieved') as not_achieved,
    count(*) filter (where outcomes_expressed and outcomes_achieved is null) as achieved_not_recorded
{CONCLUDED}
"""

MSP_CONCLUDED = "Concluded enquiries"
MSP_ASKED = "Asked about desired outcomes"
MSP_EXPRESSED = "Asked: outcomes expressed"
MSP_ACHIEVED = "Outcomes fully or partially achieved"
MSP_FULLY = "Outcomes fully achieved"
MSP_LEAVES = {
    MSP_EXPRESSED: "expressed",
    "Asked: no outcomes expressed": "not_expressed",
    "Not asked": "not_asked",
    "Don't know if asked": "dont_know",
    "Asking not recorded": "asked_not_recorded",
    MSP_FULLY: "fully",
    "Outcomes partially achieved": "partially",
    "Outcomes not achieved": "not_achieved",
    "Achievement not recorded": "achieved_not_recorded",
}
MSP_SUMS = {
    MSP_CONCLUDED: [MSP_ASKED, "Not asked", "Don't know if asked", "Asking not recorded"],
    MSP_ASKED: [MSP_EXPRESSED, "Asked: no outcomes expressed"],
    MSP_EXPRESSED: [MSP_ACHIEVED, "Outcomes not achieved", "Achievement not recorded"],
    MSP_ACHIEVED: [MSP_FULLY, "Outcomes partially achieved"],
}
MSP_ORDER = [
    MSP_CONCLUDED,
    MSP_ASKED,
    MSP_EXPRESSED,
    "Asked: no outcomes expressed",
    "Not asked",
    "Don't know if asked",
    "Asking not recorded",
    MSP_ACHIEVED,
    MSP_FULLY,
    "Outcomes partially achieved",
    "Outcomes not achieved",
    "Achievement not recorded",
]


def _msp(conn: duckdb.DuckDBPyConnection, periods: dict[str, Period]) -> pd.DataFrame:
    """Making Safeguarding Personal, of concluded enquiries: asked about desired outcomes, and of those who
    expressed outcomes, how far they were achieved; counts then shares."""
    raw = {name: query(conn, MSP_COUNTS, period).iloc[0] for name, period in periods.items()}
    leaves = pd.DataFrame(
        {name: [int(row[column]) for column in MSP_LEAVES.values()] for name, row in raw.items()},
        index=pd.Index(list(MSP_LEAVES), name="Making Safeguarding Personal"),
    )
    published = protect(CountTable.nested(leaves, MSP_SUMS, order=MSP_ORDER)).set_index(leaves.index.name)
    shares = {
        f"{MSP_ASKED} (% of concluded enquiries)": (MSP_ASKED, MSP_CONCLUDED),
        f"{MSP_ACHIEVED} (% of those who expressed outcomes)": (MSP_ACHIEVED, MSP_EXPRESSED),
        f"{MSP_FULLY} (% of those who expressed outcomes)": (MSP_FULLY, MSP_EXPRESSED),
    }
    derived = {
        label: {name: ratio(published.at[numerator, name], published.at[denominator, name]) for name in periods}
        for label, (numerator, denominator) in shares.items()
    }
    frame = pd.concat([published, pd.DataFrame.from_dict(derived, orient="index")])
    frame.index.name = leaves.index.name
    return frame.astype(object).reset_index()
