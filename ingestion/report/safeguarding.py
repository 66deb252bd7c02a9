"""The dashboard's safeguarding section: concerns, enquiries, conversion, risk outcomes and Making Safeguarding
Personal, by locality and month.
"""

from __future__ import annotations

from ingestion.report import charts
from ingestion.report.formats import percent
from ingestion.report.page import Section, Table, Tile
from ingestion.report.parts import Period, Warehouse, count, monthly_series, share

# ---- safeguarding ------------------------------------------------------------------------------------------------


def safeguarding(warehouse: Warehouse, period: Period) -> Section:
    by_locality = warehouse.frame(
        """
        with concerns as (
            select coalesce(locality, 'Not recorded') as locality, count(*) as concerns,
                   count(distinct person_key) as individuals,
                   count(*) filter (where led_to_enquiry) as led_to_enquiry,
                   median(days_to_decision) as median_days_to_decision
            from marts.fct_safeguarding_concerns
            where received_date between $start and $end
            group by all
        ),
        enquiries as (
            select coalesce(locality, 'Not recorded') as locality, count(*) as enquiries_started,
                   count(*) filter (where is_section_42) as section_42_started
            from marts.fct_safeguarding_enquiries
            where started_date between $start and $end
            group by all
        )
        select concerns.locality, concerns, individuals,
               round(concerns * 100000 / nullif(adult_population, 0)) as concerns_per_100k_adults,
               coalesce(enquiries_started, 0) as enquiries_started,
               coalesce(section_42_started, 0) as section_42_started,
               led_to_enquiry / concerns as conversion_rate, median_days_to_decision
        from concerns
        left join enquiries using (locality)
        left join marts.dim_locality using (locality)
        order by locality
        """,
        period,
    )
    msp = warehouse.frame(
        """
        select count(*) filter (where was_asked) / nullif(count(was_asked), 0) as asked,
               count(*) filter (where is_outcome_achieved and outcomes_expressed)
                 / nullif(count(is_outcome_achieved) filter (where outcomes_expressed), 0) as achieved
        from marts.fct_safeguarding_enquiries
        where concluded_date between $start and $end
        """,
        period,
    ).iloc[0]
    outcomes = warehouse.frame(
        """
        select coalesce(risk_outcome, 'Not recorded') as risk_outcome, count(*) as concluded
        from marts.fct_safeguarding_enquiries
        where concluded_date between $start and $end
        group by all
        order by concluded desc
        """,
        period,
    )
    monthly = warehouse.frame(
        """
        select date_trunc('month', received_date) as month, 'Concerns received' as measure, count(*) as n
        from marts.fct_safeguarding_concerns where received_date between $start and $end group by all
        union all
        select date_trunc('month', started_date), 'Enquiries started', count(*)
        from marts.fct_safeguarding_enquiries where started_date between $start and $end group by all
        """,
        period,
    )
    concerns = by_locality["concerns"].sum()
    converted = (by_locality["conversion_rate"] * by_locality["concerns"]).sum()
    population = warehouse.value("select sum(adult_population) from marts.dim_locality")
    county_rate = converted / concerns if concerns else None
    return Section(
        tiles=[
            Tile("Safeguarding concerns received", count(concerns), period.label),
            Tile("Concerns per 100,000 adults", count(concerns * 100000 / population if population else None)),
            Tile(
                "Enquiries started",
                count(by_locality["enquiries_started"].sum()),
                f"{count(by_locality['section_42_started'].sum())} under Section 42",
            ),
            Tile("Concerns that led to an enquiry", share(county_rate)),
            Tile("Asked about their desired outcomes", share(msp["asked"]), "enquiries concluded, where recorded"),
            Tile("Desired outcomes fully or partly achieved", share(msp["achieved"]), "of those who expressed them"),
        ],
        charts=[
            charts.line_over_months(
                "sg-by-month",
                "Safeguarding concerns received and enquiries started, by month",
                period.months,
                monthly_series(monthly, period.months, "measure", "n"),
            ),
            charts.horizontal_bar(
                "sg-conversion-by-locality",
                "Share of concerns that led to an enquiry, by locality",
                by_locality["locality"].tolist(),
                by_locality["conversion_rate"].tolist(),
                reference=("County", county_rate) if county_rate is not None else None,
                fmt=percent,
            ),
            charts.horizontal_bar(
                "sg-risk-outcomes",
                "Risk outcome of the enquiries concluded",
                outcomes["risk_outcome"].tolist(),
                outcomes["concluded"].tolist(),
            ),
        ],
        tables=[
            Table(
                f"Safeguarding by locality ({period.label})",
                by_locality.rename(
                    columns={
                        "locality": "Locality",
                        "concerns": "Concerns",
                        "individuals": "Individuals",
                        "concerns_per_100k_adults": "Concerns per 100,000 adults",
                        "enquiries_started": "Enquiries started",
                        "section_42_started": "Section 42 enquiries started",
                        "conversion_rate": "Led to an enquiry",
                        "median_days_to_decision": "Median days to decision",
                    }
                ),
                formats={"Led to an enquiry": share},
            )
        ],
        notes=[
            "An enquiry is a concern that led to one (Section 42 or other); rates per 100,000 use the "
            "localities' adult populations (marts.dim_locality)."
        ],
    )
