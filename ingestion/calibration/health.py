"""Functions delegated to the community health trust (reference-figures.md, Gloucestershire, "Delegated to the
community health trust").

Computed from the marts ``fct_waiting_list_snapshots`` (one row per referral waiting per daily snapshot) and
``fct_health_referrals`` (one row per referral), for 1 April 2023 to 31 March 2024.

What "pending" and "average" mean (context 000 and ``ingestion/simulate/health.py``):
- Occupational therapy waiting list (1,246 pending, 63.5 average days pending, longest wait 19 months in Cotswold,
  largest list Forest of Dean 293): read from the daily waiting-list snapshots over the year, like the semantic
  layer's ``health_people_pending`` (the daily count averaged over the year's snapshot days),
  ``health_mean_days_pending`` (days waited so far, averaged over every person-day on the list) and
  ``health_longest_days_pending`` (the longest anyone on the list had waited at any snapshot). The year-end
  snapshot alone gives nearly the same count and mean, but its longest wait depends on who happens to be waiting
  that night (the simulator gives a few Cotswold referrals waits of 15-19 months).
- Mental health social work "average days pending" (East 131, longest 151; West 146, longest 354): the wait from
  referral to the start of assessment of the referrals whose assessment started in the year, by mental health area.
  The published pairs (an average close to the longest) describe completed waits; the days waited so far by the
  people on the list at a snapshot are about half as long (East 64, West 79) and do not match.
- Triage shares: of the occupational therapy referrals received in the year and triaged.
- Reablement: referrals to the reablement service received in the year; at home 91 days later: of the people
  discharged from hospital into reablement in the calendar year 2023 (so that every 91-day follow-up falls in the
  reporting year), the share at home.
- Home First: hospital discharges through the Home First (hospital discharge) service in the year, a month.
"""

from __future__ import annotations

from ingestion.calibration import YEAR_END, YEAR_START, Figure

SECTION = "Delegated to the community health trust"
DAYS_PER_MONTH = 365.25 / 12
SNAPSHOTS = f"marts.fct_waiting_list_snapshots where snapshot_date between date '{YEAR_START}' and date '{YEAR_END}'"
OT_SNAPSHOTS = f"{SNAPSHOTS} and service = 'Occupational Therapy'"
REFERRALS_IN_YEAR = f"marts.fct_health_referrals where received_date between date '{YEAR_START}' and date '{YEAR_END}'"
OT_TRIAGED = f"{REFERRALS_IN_YEAR} and service = 'Occupational Therapy' and triage_outcome is not null"
MH_ASSESSED = (
    f"marts.fct_health_referrals where service = 'Mental Health Social Work' "
    f"and assessment_started_date between date '{YEAR_START}' and date '{YEAR_END}'"
)


def _triage_share(outcome: str) -> str:
    return f"select 100.0 * sum(case when triage_outcome = '{outcome}' then 1 else 0 end) / count(*) from {OT_TRIAGED}"


LARGEST_OT_LIST = f"""
with lists as (
    select locality, count(*) * 1.0 / count(distinct snapshot_date) as people_pending
    from {OT_SNAPSHOTS}
    group by locality
)
select people_pending from lists where people_pending = (select max(people_pending) from lists)
  and locality = 'Forest of Dean'
"""

LONGEST_OT_WAIT = f"""
select max(days_waiting) / {DAYS_PER_MONTH}
from {OT_SNAPSHOTS}
having max(case when locality = 'Cotswold' then days_waiting end) = max(days_waiting)
"""

FIGURES: list[Figure] = [
    Figure(
        SECTION,
        "Occupational therapy: people pending assessment (mean of daily snapshots)",
        1_246,
        f"select count(*) * 1.0 / count(distinct snapshot_date) from {OT_SNAPSHOTS}",
        extensive=True,
    ),
    Figure(
        SECTION,
        "Occupational therapy: average days pending",
        63.5,
        f"select avg(days_waiting) from {OT_SNAPSHOTS}",
        unit="days",
    ),
    Figure(
        SECTION,
        "Occupational therapy: longest wait, months (null unless in Cotswold)",
        19,
        LONGEST_OT_WAIT,
        unit="months",
    ),
    Figure(
        SECTION,
        "Occupational therapy: largest list, Forest of Dean (null unless the largest)",
        293,
        LARGEST_OT_LIST,
        extensive=True,
    ),
    Figure(
        SECTION,
        "Occupational therapy: referrals resolved at the referral centre (%)",
        40,
        _triage_share("Resolved at referral centre"),
        unit="%",
    ),
    Figure(
        SECTION,
        "Occupational therapy: referrals added to the waiting list (%)",
        34,
        _triage_share("Added to waiting list"),
        unit="%",
    ),
    Figure(
        SECTION,
        "Mental health social work East: average days pending (referral to assessment)",
        131,
        f"select avg(days_to_assessment_start) from {MH_ASSESSED} and mental_health_area = 'East'",
        unit="days",
    ),
    Figure(
        SECTION,
        "Mental health social work East: longest wait (days)",
        151,
        f"select max(days_to_assessment_start) from {MH_ASSESSED} and mental_health_area = 'East'",
        unit="days",
    ),
    Figure(
        SECTION,
        "Mental health social work West: average days pending (referral to assessment)",
        146,
        f"select avg(days_to_assessment_start) from {MH_ASSESSED} and mental_health_area = 'West'",
        unit="days",
    ),
    Figure(
        SECTION,
        "Mental health social work West: longest wait (days)",
        354,
        f"select max(days_to_assessment_start) from {MH_ASSESSED} and mental_health_area = 'West'",
        unit="days",
    ),
    Figure(
        SECTION,
        "Reablement requests",
        3_051,
        f"select count(*) from {REFERRALS_IN_YEAR} and service = 'Reablement'",
        extensive=True,
    ),
    Figure(
        SECTION,
        "Reablement: at home 91 days after hospital discharge (%)",
        93.9,
        "select 100.0 * sum(case when at_home_91_days then 1 else 0 end) / count(*) from marts.fct_health_referrals "
        "where is_reablement_after_discharge and at_home_91_days is not null "
        "and discharge_date between date '2023-01-01' and date '2023-12-31'",
        unit="%",
    ),
    Figure(
        SECTION,
        "Home First discharges a month",
        100,
        "select count(*) / 12.0 from marts.fct_health_referrals where is_home_first_discharge "
        f"and discharge_date between date '{YEAR_START}' and date '{YEAR_END}'",
        extensive=True,
    ),
]
