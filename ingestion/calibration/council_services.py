"""Council reviews and services (reference-figures.md, Gloucestershire, "Assessments and reviews (council)").

Computed from the marts ``fct_people_supported_monthly`` (people with an open long-term service at each month end,
with their review status) and ``fct_people_supported`` (people supported in each financial year).

- Reviews up to date: of everyone with long-term support on a month end, the share with a review of long-term
  support completed in the previous 12 months. Published "from Q4 2022/23 to 1st March 2023/24": the month ends
  31 March 2023 and 29 February 2024. The denominator is everyone supported, not only people supported for 12
  months or more: the self-assessment's 67% up to date and 219 people overdue (a review falls due 12 months after
  the later of the latest review and the start of the spell) describe the same people only so, a third of them in
  their first year of support and not yet reviewed, 3% overdue; were the 67% of people supported for 12 months or
  more, 219 overdue would mean some 660 of them in a county supporting several thousand.
- People overdue a review: people with long-term support on 31 March 2024 whose review is overdue (no review
  completed in the 12 months before, and supported for 12 months or more). "Dated back to 2021": of those, the ones
  whose review fell due in 2021 or earlier.
- People supported: people with long-term support at any time in 2023-24, by the self-assessment's four groups
  (physical support 65+ / 18-64 by age on their last day of support in the year, learning disability, mental
  health). The published shares (54%, 26%, 15%, 5%) add up to 100%: they are of the people in those four groups, so
  the denominator leaves out the other primary support reasons (memory and cognition, sensory and social support,
  unknown).
- Direct payments: of people with long-term community support on 31 March 2024, the share receiving a direct
  payment (the published "adults using social care receiving a direct payment"; ASCOF 3D, which also counts CASSR
  managed personal budgets, is the metric ``ascof_3d_self_directed_support_share_year_end``). Carers: of carers
  with support direct to the carer in 2023-24, the share receiving a direct payment.
"""

from __future__ import annotations

from ingestion.calibration import YEAR_END, Figure

SECTION = "Council reviews and services"
MONTHLY = "from marts.fct_people_supported_monthly"
YEARLY = "from marts.fct_people_supported where financial_year_start = 2023"


def _reviews_up_to_date(snapshot: str) -> str:
    return (
        "select 100.0 * sum(case when is_reviewed_12_months then 1 else 0 end) / count(*) "
        f"{MONTHLY} where snapshot_date = date '{snapshot}'"
    )


def _supported_share(group: str) -> str:
    return (
        f"select 100.0 * sum(case when support_group = '{group}' then 1 else 0 end) / count(*) "
        f"{YEARLY} and client_group = 'Service user' and support_group != 'Other'"
    )


FIGURES: list[Figure] = [
    Figure(
        SECTION,
        "Reviews up to date, end of Q4 2022/23 (31 March 2023)",
        50,
        _reviews_up_to_date("2023-03-31"),
        unit="%",
    ),
    Figure(
        SECTION,
        "Reviews up to date, 1 March 2024 (month end 29 February)",
        67,
        _reviews_up_to_date("2024-02-29"),
        unit="%",
    ),
    Figure(
        SECTION,
        "People overdue a review (31 March 2024)",
        219,
        f"select count(*) {MONTHLY} where snapshot_date = date '{YEAR_END}' and not is_review_up_to_date",
        extensive=True,
    ),
    Figure(
        SECTION,
        "People overdue a review since 2021 or earlier (31 March 2024)",
        18,
        f"select count(*) {MONTHLY} where snapshot_date = date '{YEAR_END}' and not is_review_up_to_date "
        "and extract(year from review_overdue_since) <= 2021",
        extensive=True,
    ),
    Figure(
        SECTION,
        "People supported: 65+ with physical support need",
        54,
        _supported_share("Physical support 65+"),
        unit="%",
    ),
    Figure(SECTION, "People supported: learning disability", 26, _supported_share("Learning disability"), unit="%"),
    Figure(
        SECTION,
        "People supported: 18-64 with physical support need",
        15,
        _supported_share("Physical support 18-64"),
        unit="%",
    ),
    Figure(SECTION, "People supported: mental health", 5, _supported_share("Mental health"), unit="%"),
    Figure(
        SECTION,
        "Adults using social care receiving a direct payment",
        11.7,
        "select 100.0 * sum(case when is_community_direct_payment_on_snapshot then 1 else 0 end) / count(*) "
        f"{YEARLY} and client_group = 'Service user' and is_community_on_snapshot",
        unit="%",
    ),
    Figure(
        SECTION,
        "Carers receiving a direct payment",
        4.6,
        "select 100.0 * sum(case when received_direct_payment then 1 else 0 end) / count(*) "
        f"{YEARLY} and client_group = 'Unpaid carer' and is_direct_to_carer",
        unit="%",
    ),
]
