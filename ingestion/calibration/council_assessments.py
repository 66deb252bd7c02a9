"""Council assessments (reference-figures.md, Gloucestershire, "Assessments and reviews (council)").

Computed from the marts ``fct_assessments`` (unique CLD assessment events) and ``fct_social_work_waiting_list``
(daily snapshot of people with a request awaiting its first assessment), for 2023-24.

- Completed: assessments other than financial assessments (service users' and unpaid carers' needs assessments)
  with a completed (end) date in the year.
- Primary support reason: shares of those completed assessments that carry a reason (carers' assessments carry
  none), and within each reason the share aged 18-64 of those with a known age.
- Average wait: mean days from a new client's request to its first following assessment (the ASCOF waiting-time
  rule), over assessments starting in the year.
- People pending: people on the waiting list, averaged over the year's days.
- Longest wait by locality team: the longest completed wait (request to its first following assessment) of the
  assessments the team started in the year. Not the waiting list's longest wait so far: at scale 1 that is held by
  a dozen requests whose assessment row was rejected at ingestion (and never re-sent), so they stay on the list.
"""

from __future__ import annotations

from ingestion.calibration import YEAR_END, YEAR_START, Figure

SECTION = "Council assessments"
IN_YEAR = f"between date '{YEAR_START}' and date '{YEAR_END}'"
COMPLETED = f"from marts.fct_assessments where is_social_work_assessment and completed_date {IN_YEAR}"
LOCALITY_TEAMS = (
    "team in ('Cheltenham Locality Team', 'Cotswold Locality Team', 'Forest of Dean Locality Team', "
    "'Gloucester Locality Team', 'Stroud Locality Team', 'Tewkesbury Locality Team')"
)

# (group in fct_assessments.primary_support_reason_group, label, share %, share aged 18-64 %)
PSR_FIGURES: tuple[tuple[str, str, float, float], ...] = (
    ("Physical support", "physical support", 70, 13),
    ("Learning disability", "learning disability", 10, 18),
    ("Memory and cognition", "memory and cognition", 9, 11),
    ("Unknown", "unknown", 6, 23),
    ("Social support", "social support", 2, 48),
    ("Mental health", "mental health", 2, 40),
    ("Sensory support", "sensory support", 1, 31),
)


def _psr_share(group: str) -> str:
    return (
        f"select 100.0 * sum(case when primary_support_reason_group = '{group}' then 1 else 0 end) / count(*) "
        f"{COMPLETED} and primary_support_reason_group is not null"
    )


def _psr_working_age(group: str) -> str:
    return (
        f"select 100.0 * sum(case when working_age_band = '18-64' then 1 else 0 end) / count(*) "
        f"{COMPLETED} and primary_support_reason_group = '{group}' and working_age_band is not null"
    )


FIGURES: list[Figure] = [
    Figure(
        SECTION,
        "Social work assessments completed in the year",
        10_631,
        f"select count(*) {COMPLETED}",
        extensive=True,
    ),
    Figure(
        SECTION,
        "Social work assessments completed a month (average)",
        886,
        f"select count(*) / 12.0 {COMPLETED}",
        extensive=True,
    ),
    *(
        Figure(SECTION, f"Assessments by primary support reason: {label}", share, _psr_share(group), unit="%")
        for group, label, share, _ in PSR_FIGURES
    ),
    *(
        Figure(SECTION, f"Assessments for {label}: aged 18-64", split, _psr_working_age(group), unit="%")
        for group, label, _, split in PSR_FIGURES
    ),
    Figure(
        SECTION,
        "Average wait for a social work assessment (days)",
        30.9,
        f"select avg(days_waited) from marts.fct_assessments where assessment_start_date {IN_YEAR}",
        unit="days",
    ),
    Figure(
        SECTION,
        "People pending a social work assessment (average)",
        432,
        "select count(*) * 1.0 / count(distinct snapshot_date) from marts.fct_social_work_waiting_list "
        f"where snapshot_date {IN_YEAR}",
        extensive=True,
    ),
    Figure(
        SECTION,
        "Longest wait, Cheltenham locality team (weeks)",
        15.9,
        "select max(days_from_request) / 7.0 from marts.fct_assessments "
        f"where team = 'Cheltenham Locality Team' and assessment_start_date {IN_YEAR}",
        unit="weeks",
    ),
    Figure(
        SECTION,
        "Longest wait, median across locality teams (weeks)",
        9.7,
        "select median(longest) / 7.0 from (select team, max(days_from_request) as longest "
        f"from marts.fct_assessments where {LOCALITY_TEAMS} and assessment_start_date {IN_YEAR} "
        "group by team) as teams",
        unit="weeks",
    ),
]
