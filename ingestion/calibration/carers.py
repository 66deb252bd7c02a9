"""Carers Hub (reference-figures.md, Gloucestershire, "Carers Hub (commissioned)").

Computed from the marts ``fct_carer_register_snapshots`` (the register read at each loaded monthly return),
``fct_carer_assessments`` and ``fct_carer_support``.

- Registered: carers registered and active in the register as of 31 December 2023 (the December return), from the
  version history of the hub's changes-only snapshot.
- Assessment waits: mean days from referral to completion, by type, of assessments completed in the year.
- Completed a month: assessments completed in the year over the months whose return was loaded (a quarantined
  return's month has no completions in the feed: the sheet lists each month's assessments only); "taking 35 days"
  is the mean from the carer's registration to completion.
- April to December 2023 activity: the Support sheet lists each month's activity only, so a month whose return was
  quarantined has none; the figure is 9 times the monthly mean over the months of April-December whose return was
  loaded.
"""

from __future__ import annotations

from ingestion.calibration import YEAR_END, YEAR_START, Figure

SECTION = "Carers Hub"
IN_YEAR = f"between date '{YEAR_START}' and date '{YEAR_END}'"
APR_DEC = "between date '2023-04-01' and date '2023-12-31'"


def _apr_dec_support(support_type: str) -> str:
    """9 x the monthly mean, over April-December months with a loaded return, of one support type's activities."""
    return (
        f"select 9.0 * sum(case when support_type = '{support_type}' then 1 else 0 end) "
        f"/ count(distinct support_month) from marts.fct_carer_support where support_date {APR_DEC}"
    )


def _mean_wait(assessment_type: str) -> str:
    return (
        f"select avg(days_waited) from marts.fct_carer_assessments "
        f"where assessment_type = '{assessment_type}' and completed_date {IN_YEAR}"
    )


FIGURES: list[Figure] = [
    Figure(
        SECTION,
        "Unpaid carers registered (31 December 2023)",
        9_370,
        "select count(*) from marts.fct_carer_register_snapshots where snapshot_date = date '2023-12-31'",
        extensive=True,
    ),
    Figure(SECTION, "Holistic carers assessment: mean wait (days)", 7, _mean_wait("Holistic"), unit="days"),
    Figure(
        SECTION,
        "Care Act compliant carers assessment: mean wait (days)",
        16,
        _mean_wait("Care Act compliant"),
        unit="days",
    ),
    Figure(
        SECTION,
        "Carers assessments completed a month (months with a loaded return)",
        195,
        "select 1.0 * count(*) / count(distinct cast(date_trunc('month', completed_date) as date)) "
        f"from marts.fct_carer_assessments where completed_date {IN_YEAR}",
        extensive=True,
    ),
    Figure(
        SECTION,
        "Carers assessments: mean days from registration to completion",
        35,
        "select avg(days_from_registration_to_completion) from marts.fct_carer_assessments "
        f"where completed_date {IN_YEAR}",
        unit="days",
    ),
    Figure(
        SECTION,
        "Welcome team calls, April-December 2023",
        4_508,
        _apr_dec_support("Welcome call"),
        extensive=True,
    ),
    Figure(
        SECTION,
        "Peer support group places, April-December 2023",
        848,
        _apr_dec_support("Peer support group"),
        extensive=True,
    ),
    Figure(
        SECTION,
        "Short break respite, April-December 2023",
        2_916,
        _apr_dec_support("Short break respite"),
        extensive=True,
    ),
    Figure(
        SECTION,
        "Counselling referrals, April-December 2023",
        748,
        _apr_dec_support("Counselling referral"),
        extensive=True,
    ),
    Figure(
        SECTION,
        "Care Act compliant assessments completed, April-December 2023",
        458,
        "select 9.0 * sum(case when assessment_type = 'Care Act compliant' then 1 else 0 end) "
        "/ count(distinct cast(date_trunc('month', completed_date) as date)) "
        f"from marts.fct_carer_assessments where completed_date {APR_DEC}",
        extensive=True,
    ),
]
