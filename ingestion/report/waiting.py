"""The dashboard's waiting lists: the council's social work list (by team) and the trust's occupational therapy and
mental health social work lists (by locality).
"""

from __future__ import annotations

import pandas as pd

from ingestion.report import charts
from ingestion.report.page import Section, Table, Tile
from ingestion.report.parts import DAYS_PER_WEEK, Period, Warehouse, count, monthly_series, weeks

# ---- social work -------------------------------------------------------------------------------------------------


def social_work(warehouse: Warehouse, period: Period) -> Section:
    by_team = warehouse.frame(
        """
        with list as (
            select team, locality, snapshot_date, days_waiting,
                   snapshot_date = (select max(snapshot_date) from marts.fct_social_work_waiting_list) as is_latest
            from marts.fct_social_work_waiting_list
            where snapshot_date between $start and $end
        ),
        waits as (
            select team, count(*) as assessments, median(days_waited) as median_days_waited
            from marts.fct_assessments
            where assessment_start_date between $start and $end and is_social_work_assessment
            group by team
        )
        select coalesce(list.team, 'Not recorded') as team,
               count(*) filter (where is_latest) as waiting_now,
               count(*) / (select count(distinct snapshot_date) from list) as average_waiting,
               avg(days_waiting) filter (where is_latest) as mean_days_waiting_now,
               max(days_waiting) filter (where is_latest) as longest_days_now,
               max(days_waiting) as longest_days_in_period,
               any_value(waits.assessments) as assessments_started,
               any_value(waits.median_days_waited) as median_days_waited
        from list left join waits on list.team is not distinct from waits.team
        group by all
        order by waiting_now desc, team
        """,
        period,
    )
    as_at = warehouse.value(
        "select max(snapshot_date) from marts.fct_social_work_waiting_list where snapshot_date <= $end", period
    )
    overall = warehouse.frame(
        """
        select median(days_waited) as median_days, avg(days_waited) as mean_days
        from marts.fct_assessments
        where assessment_start_date between $start and $end and days_waited is not null
        """,
        period,
    ).iloc[0]
    monthly = warehouse.frame(
        """
        select date_trunc('month', snapshot_date) as month, coalesce(locality, 'Not recorded') as locality,
               count(*) / count(distinct snapshot_date) as average_waiting
        from marts.fct_social_work_waiting_list
        where snapshot_date between $start and $end
        group by all
        order by locality
        """,
        period,
    )
    teams = by_team["team"].tolist()
    return Section(
        tiles=[
            Tile(
                "People waiting for a social work assessment",
                count(by_team["waiting_now"].sum()),
                f"on {as_at:%-d %B %Y}",
            ),
            Tile("Waiting on an average day", count(by_team["average_waiting"].sum()), period.label),
            Tile("Longest wait so far", weeks(by_team["longest_days_now"].max()), f"on {as_at:%-d %B %Y}"),
            Tile(
                "Wait for a first assessment",
                f"{overall['mean_days']:.1f} days" if pd.notna(overall["mean_days"]) else "–",
                "mean, new clients' requests (ASCOF)",
            ),
        ],
        charts=[
            charts.horizontal_bar(
                "sw-waiting-by-team",
                f"People waiting for a social work assessment on {as_at:%-d %B %Y}, by team",
                teams,
                by_team["waiting_now"].tolist(),
            ),
            charts.horizontal_bar(
                "sw-longest-by-team",
                f"Longest wait so far on {as_at:%-d %B %Y}, by team (weeks)",
                teams,
                (by_team["longest_days_now"] / DAYS_PER_WEEK).tolist(),
            ),
            charts.line_over_months(
                "sw-waiting-by-month",
                "People waiting on an average day of each month, by locality",
                period.months,
                monthly_series(monthly, period.months, "locality", "average_waiting"),
            ),
        ],
        tables=[
            Table(
                f"Social work waiting list by team ({period.label})",
                by_team.rename(
                    columns={
                        "team": "Team",
                        "waiting_now": f"Waiting on {as_at:%-d %b}",
                        "average_waiting": "Waiting, average day",
                        "mean_days_waiting_now": "Mean days waited so far",
                        "longest_days_now": "Longest wait now (days)",
                        "longest_days_in_period": "Longest wait in period (days)",
                        "assessments_started": "Assessments started",
                        "median_days_waited": "Median days to first assessment",
                    }
                ),
            )
        ],
        notes=[
            "A person waits from the start of a request to the day before its first assessment starts "
            "(marts.fct_social_work_waiting_list); the wait for a first assessment is ASCOF's, for new clients.",
        ],
    )


# ---- occupational therapy and mental health (the trust) ---------------------------------------------------------


def health_waiting(warehouse: Warehouse, period: Period) -> Section:
    by_locality = warehouse.frame(
        """
        with list as (
            select service, coalesce(locality, 'Not recorded') as locality, team, snapshot_date, days_waiting,
                   snapshot_date = max(snapshot_date) over (partition by service) as is_latest
            from marts.fct_waiting_list_snapshots
            where snapshot_date between $start and $end
              and service in ('Occupational Therapy', 'Mental Health Social Work')
        ),
        days as (select service, count(distinct snapshot_date) as days from list group by service)
        select service, locality, string_agg(distinct team, ', ') as teams,
               count(*) filter (where is_latest) as waiting_now,
               count(*) / any_value(days) as average_waiting,
               avg(days_waiting) as mean_days_waiting,
               median(days_waiting) filter (where is_latest) as median_days_now,
               max(days_waiting) filter (where is_latest) as longest_days_now,
               max(days_waiting) as longest_days_in_period
        from list join days using (service)
        group by all
        order by service desc, locality
        """,
        period,
    )
    as_at = warehouse.value(
        "select max(snapshot_date) from marts.fct_waiting_list_snapshots where snapshot_date <= $end", period
    )
    monthly = warehouse.frame(
        """
        select date_trunc('month', snapshot_date) as month, service,
               count(*) / count(distinct snapshot_date) as average_waiting
        from marts.fct_waiting_list_snapshots
        where snapshot_date between $start and $end
          and service in ('Occupational Therapy', 'Mental Health Social Work')
        group by all
        order by service desc
        """,
        period,
    )
    localities = sorted(by_locality["locality"].unique())

    def per_service(column: str, divisor: float = 1) -> dict[str, list[float]]:
        pivot = by_locality.pivot(index="locality", columns="service", values=column).reindex(localities) / divisor
        return {service: pivot[service].tolist() for service in by_locality["service"].unique()}

    tiles = []
    for service, rows in by_locality.groupby("service", sort=False):
        mean = (rows["mean_days_waiting"] * rows["average_waiting"]).sum() / rows["average_waiting"].sum()
        tiles += [
            Tile(f"{service}: waiting", count(rows["waiting_now"].sum()), f"on {as_at:%-d %B %Y}"),
            Tile(f"{service}: mean wait so far", f"{mean:.0f} days", period.label),
        ]
    return Section(
        tiles=tiles,
        charts=[
            charts.grouped_bar(
                "health-waiting-by-locality",
                f"People waiting on {as_at:%-d %B %Y}, by locality",
                localities,
                per_service("waiting_now"),
            ),
            charts.grouped_bar(
                "health-longest-by-locality",
                f"Longest wait so far on {as_at:%-d %B %Y}, by locality (weeks)",
                localities,
                per_service("longest_days_now", DAYS_PER_WEEK),
            ),
            charts.line_over_months(
                "health-waiting-by-month",
                "People waiting on an average day of each month",
                period.months,
                monthly_series(monthly, period.months, "service", "average_waiting"),
            ),
        ],
        tables=[
            Table(
                f"Occupational therapy and mental health social work waiting lists by locality ({period.label})",
                by_locality.rename(
                    columns={
                        "service": "Service",
                        "locality": "Locality",
                        "teams": "Team",
                        "waiting_now": f"Waiting on {as_at:%-d %b}",
                        "average_waiting": "Waiting, average day",
                        "mean_days_waiting": "Mean days waited so far",
                        "median_days_now": "Median days waited, now",
                        "longest_days_now": "Longest wait now (days)",
                        "longest_days_in_period": "Longest wait in period (days)",
                    }
                ),
            )
        ],
        notes=["From the trust's daily waiting-list snapshots (marts.fct_waiting_list_snapshots)."],
    )
