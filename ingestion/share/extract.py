"""The concern-level extract for the board's audit: one row per concern received in the quarter (and enquiry).

No identifier leaves: the person and the concern appear only as keyed pseudonyms (:mod:`ingestion.share.pseudonymise`),
and neither name, date of birth, NHS number, postcode nor any system's id is selected. What remains is what an
audit of case handling needs: dates, the concern's classification, the decision and the enquiry's outcome, with the
person's age band and district.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ingestion.share.periods import Period
from ingestion.share.pseudonymise import pseudonym
from ingestion.share.tables import query

EXTRACT = """
select
    c.person_key,
    c.concern_id,
    strftime(c.received_date, '%Y-%m-%d') as received_date,
    c.referral_source,
    c.types_of_risk,
    c.location_of_risk,
    c.source_of_risk,
    c.decision,
    strftime(c.decision_date, '%Y-%m-%d') as decision_date,
    c.locality,
    c.age_band,
    e.enquiry_type,
    strftime(e.started_date, '%Y-%m-%d') as enquiry_started,
    strftime(e.concluded_date, '%Y-%m-%d') as enquiry_concluded,
    e.asked_desired_outcomes,
    e.outcomes_achieved,
    e.risk_outcome
from marts.fct_safeguarding_concerns as c
left join marts.fct_safeguarding_enquiries as e on c.concern_id = e.concern_id
where c.received_date between $start and $end
"""


def concern_extract(conn: duckdb.DuckDBPyConnection, period: Period, key: bytes) -> pd.DataFrame:
    """The period's concerns, pseudonymised, in a stable order (received, then concern pseudonym)."""
    rows = query(conn, EXTRACT, period)
    people = [pseudonym(key, "person", value) if isinstance(value, str) else None for value in rows["person_key"]]
    concerns = [pseudonym(key, "concern", value) for value in rows["concern_id"]]
    extract = rows.drop(columns=["person_key", "concern_id"])
    extract.insert(0, "concern_pseudonym", concerns)
    extract.insert(0, "person_pseudonym", people)
    return extract.sort_values(["received_date", "concern_pseudonym", "enquiry_started"]).reset_index(drop=True)
