"""The council's dashboard: one static HTML page of waiting lists, data flows, recording, equity and safeguarding.

Read from the built warehouse (DuckDB, read-only) with small aggregate queries: no row about a person leaves the
database. The reporting period is the twelve calendar months up to the latest date in the warehouse; "now" is
each list's latest snapshot. A section whose marts are not in the warehouse (an older build) says so instead.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from ingestion.report.equity import equity, linkage_gain, recording
from ingestion.report.flows import deliveries, visibility
from ingestion.report.page import render_page
from ingestion.report.parts import Part, Period, Warehouse
from ingestion.report.safeguarding import safeguarding
from ingestion.report.waiting import health_waiting, social_work

PARTS = (
    Part(
        "social-work",
        "Social work: waiting for an assessment",
        "People with a request awaiting their first social work assessment, by the team holding the request.",
        ("fct_social_work_waiting_list", "fct_assessments"),
        social_work,
    ),
    Part(
        "health-waiting",
        "Occupational therapy and mental health social work (the trust)",
        "The community trust's waiting lists for the functions the council delegates to it.",
        ("fct_waiting_list_snapshots",),
        health_waiting,
    ),
    Part(
        "data-deliveries",
        "Data flows: deliveries from the four systems",
        "Whether each system's files arrived when expected, complete, and how many rows were rejected.",
        ("fct_feed_deliveries_daily",),
        deliveries,
    ),
    Part(
        "data-visibility",
        "Data flows: what the council can see",
        "How many of the people the trust, the Carers Hub and the safeguarding team serve the council's own record "
        "knows about.",
        ("fct_cross_system_visibility",),
        visibility,
    ),
    Part(
        "recording",
        "Recording of protected characteristics",
        "How completely the council's records hold the nine protected characteristics of the Equality Act 2010.",
        ("fct_protected_characteristic_completeness",),
        recording,
    ),
    Part(
        "linkage-gain",
        "What linking the systems adds to recording",
        "The share of people with each characteristic recorded in one system alone, and across the linked systems.",
        ("fct_linkage_completeness_gain",),
        linkage_gain,
    ),
    Part(
        "equity",
        "Equity of outcomes",
        "Outcomes by ethnic group, age, sex, locality and rurality, each group against everyone else.",
        ("fct_equity_outcomes",),
        equity,
    ),
    Part(
        "safeguarding",
        "Safeguarding",
        "Concerns, enquiries, and whether people's desired outcomes were met.",
        ("fct_safeguarding_concerns", "fct_safeguarding_enquiries", "dim_locality"),
        safeguarding,
    ),
)


def _period(warehouse: Warehouse) -> Period:
    """Twelve months to the latest snapshot or event in the warehouse."""
    dates = [
        warehouse.value(f"select max({column}) from marts.{mart}")
        for mart, column in (
            ("fct_social_work_waiting_list", "snapshot_date"),
            ("fct_waiting_list_snapshots", "snapshot_date"),
            ("fct_safeguarding_concerns", "received_date"),
        )
        if mart in warehouse.marts
    ]
    dates = [d for d in dates if d is not None]
    return Period.ending(max(dates) if dates else date.today())


def build_dashboard(warehouse_path: Path, out: Path) -> Path:
    """Write the dashboard of the warehouse at ``warehouse_path`` to ``out``; return ``out``."""
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        warehouse = Warehouse(conn)
        period = _period(warehouse)
        sections = [part.section(warehouse, period) for part in PARTS]
    return render_page(
        out,
        title="Adult social care dashboard",
        subtitle=f"{period.label} · from the ascwh warehouse",
        tiles=[section.tiles[0] for section in sections if section.tiles],
        sections=sections,
    )
