"""Data-quality notes for the board pack: how far the quarter's safeguarding figures can be trusted.

From the ingestion metadata (``ingest.*``): the safeguarding deliveries of the quarter that were quarantined,
ignored or superseded (file names, dates and rules only: never a value), and the rows rejected, by rule. From the
marts: how completely the quarter's concerns and concluded enquiries record each field the pack counts, and the
latest outcome of the dbt tests that protect the safeguarding marts (``marts.dq_test_summary``).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ingestion.share.disclosure import CountTable, count_cell, protect, ratio
from ingestion.share.periods import Period, Quarter
from ingestion.share.tables import PackTable, query

SAFEGUARDING_MARTS = (
    "fct_safeguarding_concerns",
    "fct_safeguarding_enquiries",
    "bridge_safeguarding_concern_risk_types",
)

DELIVERIES = """
select
    d.file_name as "File",
    strftime(d.extract_date, '%Y-%m-%d') as "Extract date",
    d.status as "Outcome",
    coalesce(q.rules, case d.status when 'ignored' then 'identical re-delivery'
        when 'superseded' then 'replaced by a corrected re-send' end) as "Reason",
    case when d.released then 'yes' else 'no' end as "Released"
from ingest.deliveries as d
left join ingest.quarantine as q on d.delivery_id = q.delivery_id
where d.feed = 'safeguarding' and d.status <> 'loaded' and d.extract_date between $start and $end
order by d.extract_date, d.file_name
"""

DELIVERY_COUNTS = """
select status, count(*) as files from ingest.deliveries
where feed = 'safeguarding' and extract_date between $start and $end group by status order by status
"""

REJECTED = """
select replace(r.entity, 'safeguarding__', '') as entity, r.rules, count(distinct r.row_hash) as n
from ingest.rejected_rows as r
inner join ingest.deliveries as d on r.delivery_id = d.delivery_id
where d.feed = 'safeguarding' and d.extract_date between $start and $end
group by all order by 1, 2
"""

# field -> SQL condition "recorded", over the quarter's concerns (received) or concluded enquiries
CONCERN_FIELDS = {
    "Person identified (linked to a person)": "person_key is not null",
    "Valid NHS number": "nhs_number is not null",
    "Date of birth": "birth_date is not null",
    "Locality": "locality is not null",
    "Referral source": "referral_source is not null",
    "Types of risk (all on the national list)": "risk_type_count > 0 and risk_types_recognised = risk_type_count",
    "Location of risk": "location_of_risk is not null",
    "Source of risk": "source_of_risk is not null",
    "Decision made": "decision <> 'Pending'",
}
ENQUIRY_FIELDS = {
    "Asked about desired outcomes": "asked_desired_outcomes is not null and asked_desired_outcomes <> 'Not recorded'",
    "Outcomes achieved (where expressed)": "not outcomes_expressed or outcomes_achieved is not null",
    "Mental capacity": "lacks_capacity in ('Yes', 'No')",
    "Advocate provided": "advocate_provided in ('Yes', 'No')",
}
RECORDED, NOT_RECORDED, RECORDS = "Recorded", "Not recorded", "Records"


def quality_tables(conn: duckdb.DuckDBPyConnection, quarter: Quarter) -> tuple[list[PackTable], list[str]]:
    period = quarter.periods()["Quarter"]
    tables, notes = [], [_delivery_note(conn, period)]
    deliveries = query(conn, DELIVERIES, period)
    if not deliveries.empty:
        title = f"Data quality: safeguarding deliveries not loaded as sent, {quarter}"
        tables.append(PackTable("data_quality_deliveries", title, deliveries.astype(object)))
    rejected = query(conn, REJECTED, period)
    if not rejected.empty:
        frame = pd.DataFrame(
            {
                "Rule broken": [f"{row.entity}: {row.rules}" for row in rejected.itertuples()],
                "Rows rejected": [count_cell(int(n)) for n in rejected["n"]],
            },
            dtype=object,
        )
        tables.append(PackTable("data_quality_rejected_rows", f"Data quality: rows rejected, {quarter}", frame))
    tables.append(
        PackTable("recording_completeness", f"Recording completeness, {quarter}", _completeness(conn, period))
    )
    tests, test_note = _tests(conn)
    notes.append(test_note)
    if not tests.empty:
        tables.append(PackTable("data_quality_tests", "Data tests of the safeguarding marts not passing", tests))
    notes.append(
        "Data quality: quarantined deliveries are not loaded until corrected or released, so their records are "
        "missing from the figures until then; a rejected row is not counted; recording completeness counts the "
        "quarter's concerns (received) and concluded enquiries."
    )
    return tables, notes


def _delivery_note(conn: duckdb.DuckDBPyConnection, period: Period) -> str:
    counts = query(conn, DELIVERY_COUNTS, period)
    if counts.empty:
        return "No safeguarding deliveries are recorded for the quarter."
    parts = ", ".join(f"{row.files} {row.status}" for row in counts.itertuples())
    return f"Safeguarding deliveries with extract dates in the quarter: {int(counts['files'].sum())} files ({parts})."


def _completeness(conn: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Per field, the quarter's records with it recorded and not, and the share recorded."""
    counts = {}
    for table, date_column, fields in (
        ("fct_safeguarding_concerns", "received_date", CONCERN_FIELDS),
        ("fct_safeguarding_enquiries", "concluded_date", ENQUIRY_FIELDS),
    ):
        selects = ", ".join(
            f'count(*) filter (where coalesce({condition}, false)) as "{label}"' for label, condition in fields.items()
        )
        recorded = query(conn, f"select count(*) as n, {selects} from marts.{table} "
                               f"where {date_column} between $start and $end", period).iloc[0]  # fmt: skip
        for label in fields:
            counts[label] = (int(recorded[label]), int(recorded["n"]) - int(recorded[label]))
    leaves = pd.DataFrame.from_dict(counts, orient="index", columns=[RECORDED, NOT_RECORDED])
    leaves.index.name = "Field"
    published = protect(CountTable.with_margins(leaves, total_row=None, total_column=RECORDS))
    published["Recorded (%)"] = [ratio(row[RECORDED], row[RECORDS]) for row in published.to_dict("records")]
    return published.astype(object)


def _tests(conn: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, str]:
    """The safeguarding marts' tests that did not pass at the latest build, and a note of the tally."""
    tests = query(
        conn,
        "select test_name, severity, status, coalesce(rule, '') as rule "
        "from marts.dq_test_summary "
        "where list_has_any(string_split(coalesce(protects, ''), ','), $marts) or tested_node in $marts",
        marts=list(SAFEGUARDING_MARTS),
    )
    if tests.empty:
        return tests, "No data tests protecting the safeguarding marts are recorded."
    failing = tests[tests["status"] != "pass"].sort_values("test_name")
    passed = len(tests) - len(failing)
    note = f"Data tests protecting the safeguarding marts at the latest build: {passed} of {len(tests)} passed."
    frame = failing.rename(columns={"test_name": "Test", "severity": "Severity", "status": "Status", "rule": "Rule"})
    return frame.reset_index(drop=True).astype(object), note
