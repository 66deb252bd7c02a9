"""Front door: the council's contacts (reference-figures.md, Gloucestershire, "Front door (council contacts)").

Computed from the mart ``fct_contacts`` (one row per contact), for contacts received 1 April 2023 to 31 March 2024.

- Helpdesk and referral centres: contacts whose team is the Adults Helpdesk or the Referral Centre
  (``is_front_door``); other teams are the rest.
- Shares (channel, locality, outcome) are of the contacts where the attribute is recorded: ingestion nulls a value
  it cannot read, and such a contact says nothing about the share.
- People contacted: distinct resolved persons (``person_key`` from the linkage). With the placeholder linkage (one
  person per contact unless the caller gave a council id) this overcounts; it is only as good as the linkage.
- Female: of the people contacted with a gender recorded on a contact, those whose latest recorded gender is
  Female.
- NFA: the published sentence is about contacts "through Adult Social Care Helpdesk": team Adults Helpdesk, outcome
  no further action, signposting, or information and advice (``codes/contact_outcome.csv`` nfa_signpost_iag).
"""

from __future__ import annotations

from ingestion.calibration import YEAR_END, YEAR_START, Figure

SECTION = "Front door"
IN_YEAR = f"received_date between date '{YEAR_START}' and date '{YEAR_END}'"
CONTACTS = f"marts.fct_contacts where {IN_YEAR}"


def _share(column: str, value: str) -> str:
    """Percentage of the year's contacts with ``column`` recorded whose value is ``value``."""
    return f"select 100.0 * sum(case when {column} = '{value}' then 1 else 0 end) / count({column}) from {CONTACTS}"


FEMALE_SHARE = f"""
with recorded as (
    select
        person_key,
        recorded_gender,
        row_number() over (partition by person_key order by received_at desc, contact_id desc) as recency
    from {CONTACTS} and recorded_gender is not null and person_key is not null
)
select 100.0 * sum(case when recorded_gender = 'Female' then 1 else 0 end) / count(*)
from recorded
where recency = 1
"""

FIGURES: list[Figure] = [
    Figure(SECTION, "Contacts in the year", 89_740, f"select count(*) from {CONTACTS}", extensive=True),
    Figure(
        SECTION,
        "Contacts through the Adults Helpdesk and referral centres",
        71_466,
        f"select count(*) from {CONTACTS} and is_front_door",
        extensive=True,
    ),
    Figure(
        SECTION,
        "Contacts through other teams",
        18_274,
        f"select count(*) from {CONTACTS} and not is_front_door",
        extensive=True,
    ),
    Figure(SECTION, "Contacts by telephone (%)", 52.8, _share("channel", "Telephone"), unit="%"),
    Figure(SECTION, "Contacts by email (%)", 30.0, _share("channel", "Email"), unit="%"),
    Figure(SECTION, "Contacts online (%)", 5.0, _share("channel", "Online form"), unit="%"),
    Figure(
        SECTION,
        "People who were the subject of a contact (resolved persons)",
        23_506,
        f"select count(distinct person_key) from {CONTACTS}",
        extensive=True,
    ),
    Figure(SECTION, "People contacted: female (%)", 56.0, FEMALE_SHARE, unit="%"),
    Figure(SECTION, "Contacts in Gloucester (%)", 21.9, _share("locality", "Gloucester"), unit="%"),
    Figure(SECTION, "Contacts in Stroud (%)", 18.59, _share("locality", "Stroud"), unit="%"),
    Figure(
        SECTION,
        "Adults Helpdesk contacts ending in NFA, signposting or information (%)",
        42.0,
        f"select 100.0 * sum(case when is_nfa_signpost_info then 1 else 0 end) / count(is_nfa_signpost_info) "
        f"from {CONTACTS} and team = 'Adults Helpdesk'",
        unit="%",
    ),
]
