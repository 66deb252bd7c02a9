"""Safeguarding and Deprivation of Liberty Safeguards (reference-figures.md, Worcestershire, context 004).

Worcestershire's figures, so counts are compared after scaling by adult population (``worcestershire=True``); shares
are not scaled, and rates per 100,000 adults grow with the simulation's scale only (``per_real_population``: the
county's real adult population divides people a scale-10 county has ten times as many of).
Computed from the marts ``fct_safeguarding_concerns``, ``fct_safeguarding_enquiries``,
``fct_dols_applications`` and ``fct_dols_waiting_snapshots``, for 2023-24.

- Concerns: concerns received in the year (cases). Conversion rate: enquiries (Section 42 and other) started in
  the year / concerns received in the year (national rule).
- Making Safeguarding Personal, over enquiries concluded in the year: asked = the two "Yes" answers over every
  recorded answer (blank or invalid answers excluded); achieved = fully or partially achieved over those who
  expressed outcomes and whose achievement was recorded.
- Per 100,000 adults: the county's adult population (the six districts of ref locality). Concerns per 100,000 are
  counted by individual: the published 803 is not the 4,455 concerns (cases) over 485,737 adults (917) but about
  3,900 people, 0.88 per concern. The Safeguarding Adults Collection counts concerns and enquiries both by case and
  by individual (national-rules.md); the case count is the "Safeguarding concerns" figure above. The published
  "enquiries started per 100,000 adults" (269) is the source's 1,305 concluded enquiries over 485,737 adults (268.7);
  its enquiries started (27% of 4,455, about 1,200) would give about 248. The figure is computed as the source
  computed it, from the concluded enquiries, and says so.
- DoLS waiting: applications waiting at 31 March 2024 (the year-end snapshot), and of them those triaged High.
"""

from __future__ import annotations

from ingestion.calibration import YEAR_END, YEAR_START, Figure

SECTION = "Safeguarding and DoLS (Worcestershire)"
IN_YEAR = f"between date '{YEAR_START}' and date '{YEAR_END}'"
CONCERNS = f"from marts.fct_safeguarding_concerns where received_date {IN_YEAR}"
STARTED = f"from marts.fct_safeguarding_enquiries where started_date {IN_YEAR}"
CONCLUDED = f"from marts.fct_safeguarding_enquiries where concluded_date {IN_YEAR}"
YEAR_END_WAITING = f"from marts.fct_dols_waiting_snapshots where snapshot_date = date '{YEAR_END}'"

FIGURES: list[Figure] = [
    Figure(SECTION, "Safeguarding concerns", 4_455, f"select count(*) {CONCERNS}", extensive=True, worcestershire=True),
    Figure(
        SECTION,
        "Conversion rate: enquiries started / concerns received",
        27,
        f"select 100.0 * (select count(*) {STARTED}) / (select count(*) {CONCERNS})",
        unit="%",
        worcestershire=True,
    ),
    Figure(
        SECTION,
        "Section 42 enquiries started",
        1_025,
        f"select count(*) {STARTED} and is_section_42",
        extensive=True,
        worcestershire=True,
    ),
    Figure(
        SECTION,
        "Enquiries concluded",
        1_305,
        f"select count(*) {CONCLUDED}",
        extensive=True,
        worcestershire=True,
    ),
    Figure(
        SECTION,
        "Making Safeguarding Personal: asked about desired outcomes",
        82,
        f"select 100.0 * sum(case when was_asked then 1 else 0 end) / count(*) {CONCLUDED} and was_asked is not null",
        unit="%",
        worcestershire=True,
    ),
    Figure(
        SECTION,
        "Making Safeguarding Personal: outcomes fully or partly achieved",
        99,
        f"select 100.0 * sum(case when is_outcome_achieved then 1 else 0 end) / count(*) {CONCLUDED} "
        "and outcomes_expressed and is_outcome_achieved is not null",
        unit="%",
        worcestershire=True,
    ),
    Figure(
        SECTION,
        "Concerns per 100,000 adults (individuals)",
        803,
        f"select 100000.0 * count(distinct person_key) / max(county_adult_population) {CONCERNS}",
        per_real_population=True,
    ),
    Figure(
        SECTION,
        "Enquiries per 100,000 adults (concluded, as the source counts them)",
        269,
        f"select sum(100000.0 / county_adult_population) {CONCLUDED}",
        per_real_population=True,
    ),
    Figure(
        SECTION,
        "DoLS applications received",
        3_963,
        f"select count(*) from marts.fct_dols_applications where received_date {IN_YEAR}",
        extensive=True,
        worcestershire=True,
    ),
    Figure(
        SECTION,
        "DoLS applications completed",
        3_933,
        f"select count(*) from marts.fct_dols_applications where completed_date {IN_YEAR}",
        extensive=True,
        worcestershire=True,
    ),
    Figure(
        SECTION,
        "DoLS applications waiting at year end",
        1_549,
        f"select count(*) {YEAR_END_WAITING}",
        extensive=True,
        worcestershire=True,
    ),
    Figure(
        SECTION,
        "DoLS applications waiting at year end: high priority",
        406,
        f"select count(*) {YEAR_END_WAITING} and is_high_priority",
        extensive=True,
        worcestershire=True,
    ),
]
