"""The dashboard's data flows: whether the four systems' deliveries arrive complete and on time, and what the
council's own record can see of the people the other systems serve.
"""

from __future__ import annotations

from ingestion.report import charts
from ingestion.report.formats import percent
from ingestion.report.page import Section, Table, Tile
from ingestion.report.parts import Period, Warehouse, count, monthly_series, share

# ---- data flows ----------------------------------------------------------------------------------------------------

FEEDS = {"council": "Council", "health": "Community trust", "carers_hub": "Carers Hub", "safeguarding": "Safeguarding"}


def deliveries(warehouse: Warehouse, period: Period) -> Section:
    by_feed = warehouse.frame(
        """
        select feed,
               count(*) filter (where is_expected) as expected,
               count(*) filter (where is_expected and is_delivered) / count(*) filter (where is_expected) as arrived,
               count(*) filter (where is_expected and is_complete) / count(*) filter (where is_expected) as complete,
               count(*) filter (where is_expected and is_on_time) / count(*) filter (where is_expected) as on_time,
               sum(quarantined_batches) as quarantined_batches,
               sum(rows_loaded) as rows_loaded,
               sum(rows_rejected) as rows_rejected,
               sum(rows_rejected) / nullif(sum(rows_read), 0) as rejected_share,
               arg_max(days_since_last_delivery, date_day) as days_since_last_delivery
        from marts.fct_feed_deliveries_daily
        where date_day between $start and $end
        group by feed
        order by feed
        """,
        period,
    )
    monthly = warehouse.frame(
        """
        select month_start as month, feed,
               count(*) filter (where is_complete) / count(*) as complete
        from marts.fct_feed_deliveries_daily
        where date_day between $start and $end and is_expected
        group by all
        order by feed
        """,
        period,
    )
    by_feed["feed"] = by_feed["feed"].map(lambda feed: FEEDS.get(feed, feed))
    monthly["feed"] = monthly["feed"].map(lambda feed: FEEDS.get(feed, feed))
    feeds = by_feed["feed"].tolist()
    expected = by_feed["expected"].sum()
    complete, on_time = ((by_feed[column] * by_feed["expected"]).sum() / expected for column in ("complete", "on_time"))
    stalest = by_feed.sort_values("days_since_last_delivery").iloc[-1]
    return Section(
        tiles=[
            Tile("Expected deliveries that arrived complete", share(complete), "all four feeds, " + period.label),
            Tile("... and on time", share(on_time), "arrived within the feed's grace days"),
            Tile("Rows loaded", count(by_feed["rows_loaded"].sum()), period.label),
            Tile(
                "Rows rejected",
                share(by_feed["rows_rejected"].sum() / (by_feed["rows_loaded"].sum() + by_feed["rows_rejected"].sum())),
                "kept in ingest.rejected_rows",
            ),
            Tile("Longest since a delivery", f"{stalest['days_since_last_delivery']:.0f} days", stalest["feed"]),
        ],
        charts=[
            charts.grouped_bar(
                "flow-deliveries-by-feed",
                "Expected deliveries that arrived, arrived complete, and arrived on time",
                feeds,
                {
                    name: by_feed[column].tolist()
                    for name, column in (("Arrived", "arrived"), ("Complete", "complete"), ("On time", "on_time"))
                },
                fmt=percent,
            ),
            charts.line_over_months(
                "flow-complete-by-month",
                "Expected deliveries that arrived complete, by month",
                period.months,
                monthly_series(monthly, period.months, "feed", "complete"),
                fmt=percent,
            ),
        ],
        tables=[
            Table(
                f"Deliveries by feed ({period.label})",
                by_feed.rename(
                    columns={
                        "feed": "Feed",
                        "expected": "Deliveries expected",
                        "arrived": "Arrived",
                        "complete": "Complete",
                        "on_time": "On time",
                        "quarantined_batches": "Batches quarantined",
                        "rows_loaded": "Rows loaded",
                        "rows_rejected": "Rows rejected",
                        "rejected_share": "Rejected",
                        "days_since_last_delivery": "Days since last delivery",
                    }
                ),
                formats={column: share for column in ("Arrived", "Complete", "On time", "Rejected")},
            )
        ],
        notes=[
            "A delivery is complete when every entity of the feed loaded, on time when its files arrived (the "
            "sender completed them) within the feed's grace days of its extract date: by the end of the next day "
            "for the nightly and daily feeds, within ten days for the monthly return (marts.fct_feed_deliveries_daily)."
        ],
    )


VISIBILITY = {
    "ot_waiting_visible_to_council": "OT waiting list: open on the council's record",
    "ot_waiting_known_to_council": "OT waiting list: known to the council",
    "mh_waiting_visible_to_council": "MH social work waiting list: open on the council's record",
    "mh_waiting_known_to_council": "MH social work waiting list: known to the council",
    "carers_hub_carers_linked_to_council": "Carers Hub carers known to the council",
    "safeguarding_concerns_unknown_to_council": "Safeguarding concerns about adults unknown to the council",
}


def visibility(warehouse: Warehouse, period: Period) -> Section:
    monthly = warehouse.frame(
        """
        select month_start as month, measure, numerator, denominator, share,
               month_start = max(month_start) over (partition by measure) as is_latest
        from marts.fct_cross_system_visibility
        where month_start between $start and $end
        order by measure
        """,
        period,
    )
    monthly["measure"] = monthly["measure"].map(lambda measure: VISIBILITY.get(measure, measure))
    latest = monthly[monthly["is_latest"]].drop(columns="is_latest")
    shares = dict(zip(latest["measure"], latest["share"], strict=True))
    return Section(
        tiles=[
            Tile(title, share(shares.get(VISIBILITY[measure])), f"{latest['month'].max():%B %Y}")
            for measure, title in (
                ("ot_waiting_visible_to_council", "OT waiting list open on the council's record"),
                ("carers_hub_carers_linked_to_council", "Carers Hub carers known to the council"),
                ("safeguarding_concerns_unknown_to_council", "Safeguarding concerns about adults new to the council"),
            )
        ]
        if not latest.empty
        else [],
        charts=[
            charts.line_over_months(
                "flow-visibility-by-month",
                "What the council's record can see of the other systems' people, by month",
                period.months,
                monthly_series(monthly, period.months, "measure", "share"),
                fmt=percent,
            )
        ],
        tables=[
            Table(
                "Latest month",
                latest.rename(
                    columns={
                        "month": "Month",
                        "measure": "Measure",
                        "numerator": "Counted",
                        "denominator": "Of",
                        "share": "Share",
                    }
                ),
                formats={"Share": share, "Month": lambda month: f"{month:%B %Y}"},
            )
        ],
        notes=[
            "People are matched across systems by the linkage (person keys); "
            "see marts.fct_cross_system_visibility for the rules."
        ],
    )
