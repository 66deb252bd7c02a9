"""The dashboard's equity sections: how completely protected characteristics are recorded, what linking the
systems adds, and outcomes by group with confidence intervals.
"""

from __future__ import annotations

from ingestion.report import charts
from ingestion.report.formats import number, percent
from ingestion.report.page import Section, Table, Tile
from ingestion.report.parts import Period, Warehouse, count, label, share

# ---- recording of protected characteristics --------------------------------------------------------------------

STATUSES = ("recorded", "not stated", "refused", "not known", "invalid", "missing")


def recording(warehouse: Warehouse, period: Period) -> Section:
    latest = warehouse.value(
        "select max(month_start) from marts.fct_protected_characteristic_completeness where month_start <= $end",
        period,
    )
    statuses = warehouse.frame(
        """
        select characteristic, recording_status, sum(people) / sum(sum(people)) over (partition by characteristic)
                 as share
        from marts.fct_protected_characteristic_completeness
        where source_system = 'council' and basis = 'source' and month_start = $latest
        group by characteristic, recording_status
        order by characteristic
        """,
        latest=latest,
    )
    by_locality = warehouse.frame(
        """
        select locality, characteristic,
               coalesce(sum(people) filter (where recording_status = 'recorded'), 0) / sum(people) as recorded
        from marts.fct_protected_characteristic_completeness
        where source_system = 'council' and basis = 'source' and month_start = $latest
        group by all
        """,
        latest=latest,
    )
    wide = statuses.pivot(index="characteristic", columns="recording_status", values="share")
    wide = wide.reindex(columns=list(STATUSES), fill_value=0).fillna(0).sort_values("recorded", ascending=False)
    table = by_locality.pivot(index="locality", columns="characteristic", values="recorded").reset_index()
    table.columns = ["Locality", *(label(c) for c in table.columns[1:])]
    lowest = wide["recorded"].idxmin() if not wide.empty else None
    return Section(
        tiles=[
            Tile(
                "Characteristics recorded for 80% or more",
                f"{(wide['recorded'] >= 0.8).sum()} of {len(wide)}",
                f"council's own records, {latest:%B %Y}",
            ),
            Tile("Least recorded", share(wide.at[lowest, "recorded"]) if lowest else "–", label(lowest or "")),
        ],
        charts=[
            charts.grouped_bar(
                "recording-status-by-characteristic",
                f"How each characteristic is recorded on the council's records, {latest:%B %Y}",
                [label(c) for c in wide.index],
                {status.capitalize(): wide[status].tolist() for status in wide.columns},
                stacked=True,
                fmt=percent,
                colours=(*charts.PALETTE[: len(STATUSES) - 1], charts.NEUTRAL),
            )
        ],
        tables=[
            Table(
                f"Share recorded by locality, council's own records, {latest:%B %Y}",
                table,
                formats={column: share for column in table.columns[1:]},
            )
        ],
        notes=[
            "People the council served in the month (an open event), by the locality of their latest event; "
            "the nine characteristics of the Equality Act 2010 (marts.fct_protected_characteristic_completeness)."
        ],
    )


def linkage_gain(warehouse: Warehouse, period: Period) -> Section:
    gain = warehouse.frame(
        """
        select characteristic, people, council_share, health_share, carers_hub_share, linked_share,
               gain_over_council_pp
        from marts.fct_linkage_completeness_gain
        where population = 'council'
        order by gain_over_council_pp desc, characteristic
        """
    )
    labels = [label(c) for c in gain["characteristic"]]
    best = gain.iloc[0] if not gain.empty else None
    return Section(
        tiles=[
            Tile(
                "Largest gain from linking",
                f"+{best['gain_over_council_pp']:.0f} points",
                label(best["characteristic"]),
            )
        ]
        if best is not None
        else [],
        charts=[
            charts.grouped_bar(
                "linkage-gain-by-characteristic",
                "People with the characteristic recorded: each system alone, and linked",
                labels,
                {
                    name: gain[column].tolist()
                    for name, column in (
                        ("Council alone", "council_share"),
                        ("Trust alone", "health_share"),
                        ("Carers Hub alone", "carers_hub_share"),
                        ("Linked", "linked_share"),
                    )
                },
                fmt=percent,
            )
        ],
        tables=[
            Table(
                "Recording before and after linking, people with a council record",
                gain.assign(characteristic=labels).rename(
                    columns={
                        "characteristic": "Characteristic",
                        "people": "People",
                        "council_share": "Council alone",
                        "health_share": "Trust alone",
                        "carers_hub_share": "Carers Hub alone",
                        "linked_share": "Linked",
                        "gain_over_council_pp": "Gain over the council (points)",
                    }
                ),
                formats={c: share for c in ("Council alone", "Trust alone", "Carers Hub alone", "Linked")},
            )
        ],
        notes=[
            "A system alone: its own latest statement about the person; linked: the best across the systems "
            "(marts.fct_linkage_completeness_gain)."
        ],
    )


# ---- equity --------------------------------------------------------------------------------------------------------

MEASURES = {
    "mean_days_waited_for_assessment": "Mean days waited for an assessment",
    "long_term_community_direct_payment_share": "Long-term community support taken as a direct payment",
    "long_term_residential_or_nursing_share": "Long-term support in residential or nursing care",
    "safeguarding_risk_removed_or_reduced_share": "Safeguarding enquiries: risk removed or reduced",
    "safeguarding_msp_outcomes_achieved_share": "Safeguarding enquiries: desired outcomes achieved",
}
BREAKDOWNS = {
    "ethnic_group": "Ethnic group",
    "age_band": "Age",
    "sex": "Sex",
    "locality": "Locality",
    "rural_urban": "Rural or urban",
}


def equity(warehouse: Warehouse, period: Period) -> Section:
    outcomes = warehouse.frame(
        """
        select measure, statistic, breakdown, group_value, n, value, ci_low, ci_high, comparison_value, is_significant
        from marts.fct_equity_outcomes
        order by measure, breakdown, group_value
        """
    )
    outcomes["breakdown"] = outcomes["breakdown"].map(lambda b: BREAKDOWNS.get(b, label(b)))
    figures = []
    for measure, rows in outcomes.groupby("measure", sort=False):
        fmt = percent if rows["statistic"].iloc[0] == "proportion" else number
        first = rows[rows["breakdown"] == rows["breakdown"].iloc[0]]  # every breakdown covers everyone once
        overall = (first["value"] * first["n"]).sum() / first["n"].sum()
        figures.append(
            charts.horizontal_bar(
                f"equity-{measure.replace('_', '-')}",
                MEASURES.get(measure, label(measure)),
                [f"{b}: {g}" for b, g in zip(rows["breakdown"], rows["group_value"], strict=True)],
                rows["value"].tolist(),
                ci=(rows["ci_low"].tolist(), rows["ci_high"].tolist()),
                highlight=rows["is_significant"].tolist(),
                reference=("everyone", overall),
                fmt=fmt,
            )
        )
    significant = outcomes[outcomes["is_significant"]].copy()
    fmts = significant["statistic"].map(lambda statistic: percent if statistic == "proportion" else number)
    significant["measure"] = significant["measure"].map(lambda m: MEASURES.get(m, label(m)))
    significant["interval"] = [
        f"{fmt(v)} ({fmt(lo)} to {fmt(hi)})"
        for fmt, v, lo, hi in zip(
            fmts, significant["value"], significant["ci_low"], significant["ci_high"], strict=True
        )
    ]
    significant["comparison"] = [fmt(v) for fmt, v in zip(fmts, significant["comparison_value"], strict=True)]
    return Section(
        tiles=[Tile("Significant differences", count(len(significant)), f"of {len(outcomes)} groups compared")],
        charts=figures,
        tables=[
            Table(
                "Groups whose outcome differs significantly from everyone else's",
                significant[["measure", "breakdown", "group_value", "n", "interval", "comparison"]].rename(
                    columns={
                        "measure": "Measure",
                        "breakdown": "Breakdown",
                        "group_value": "Group",
                        "n": "People or cases",
                        "interval": "Value (95% confidence interval)",
                        "comparison": "Everyone else",
                    }
                ),
            )
        ],
        notes=[
            "Each bar is a group's value with its 95% confidence interval; orange bars differ significantly from "
            "everyone else (two-sided 5%, groups of 30 or more). The dashed line is everyone's value. "
            "Shares are proportions of people or cases (marts.fct_equity_outcomes)."
        ],
    )
