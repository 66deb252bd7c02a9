"""Equity breakdowns of the safeguarding outcomes, from ``marts.fct_equity_outcomes``, disclosure-controlled.

For each safeguarding measure (a proportion: risk removed or reduced, Making Safeguarding Personal outcomes achieved)
and each breakdown (ethnic group, sex, age band, locality, rural or urban), a table of groups: observations with and
without the outcome and their total, with a total row for everyone. That is a contingency table with margins, so it
goes through primary and secondary suppression and rounding like any other. The share, its 95% confidence interval
(Wilson) and everyone else's share are then computed from the *rounded* counts, not taken from the mart: an interval
computed from exact counts would give the exact count away. The mart's significance flag is shown only where the
group's counts are published.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from ingestion.share.disclosure import SUPPRESSED, CountTable, Published, protect, ratio
from ingestion.share.periods import Quarter
from ingestion.share.tables import PackTable, query, table_exists

EQUITY_MART = "marts.fct_equity_outcomes"
MEASURES = {
    "safeguarding_risk_removed_or_reduced_share": (
        "Risk removed or reduced, of concluded enquiries with a risk outcome",
        "Risk removed or reduced",
    ),
    "safeguarding_msp_outcomes_achieved_share": (
        "Desired outcomes fully or partially achieved, of concluded enquiries where outcomes were expressed",
        "Outcomes achieved",
    ),
}
BREAKDOWNS = {
    "ethnic_group": "Ethnic group",
    "sex": "Sex",
    "age_band": "Age band",
    "locality": "Locality",
    "rural_urban": "Rural or urban",
}
EVERYONE = "All"
WITHOUT = "Without"
OBSERVATIONS = "Enquiries"
Z = 1.959964  # two-sided 5%
# the mart's names (the report charts value with its interval), all in percent
SHARE_COLUMNS = ("value", "ci_low", "ci_high", "comparison_value", "is_significant")


def equity_tables(conn: duckdb.DuckDBPyConnection, quarter: Quarter) -> tuple[list[PackTable], list[str]]:
    """One table per safeguarding measure; a note instead while the mart does not exist yet."""
    if not table_exists(conn, EQUITY_MART):
        return [], [
            f"Equity breakdowns are not available yet: {EQUITY_MART} is not in this warehouse. They will appear "
            "in the pack once the warehouse is built with it."
        ]
    rows = query(
        conn,
        "select measure, breakdown, group_value, n, numerator, is_significant "
        f"from {EQUITY_MART} where statistic = 'proportion' and measure in $measures",
        measures=list(MEASURES),
    )
    tables = [
        PackTable(f"equity_{measure}", f"Equity: {title} (all enquiries in the warehouse)", _measure(rows, measure))
        for measure, (title, _) in MEASURES.items()
        if (rows["measure"] == measure).any()
    ]
    notes = [
        "Equity tables cover every concluded enquiry the warehouse holds (not only the quarter). value is the "
        "group's share with the outcome (%), ci_low and ci_high its 95% confidence interval (Wilson), "
        "comparison_value everyone else's share, all computed from the rounded counts; is_significant marks a "
        "group whose share differs from everyone else's at the 5% level (groups of at least 30; about 1 in 20 "
        "such flags is expected by chance, with no correction for multiple comparisons)."
    ]
    return tables, notes


def _measure(rows: pd.DataFrame, measure: str) -> pd.DataFrame:
    outcome = MEASURES[measure][1]
    blocks = []
    for breakdown, label in BREAKDOWNS.items():
        groups = rows[(rows["measure"] == measure) & (rows["breakdown"] == breakdown)].sort_values("group_value")
        if groups.empty:
            continue
        leaves = pd.DataFrame(
            {
                outcome: groups["numerator"].astype("int64").to_numpy(),
                WITHOUT: (groups["n"] - groups["numerator"]).astype("int64").to_numpy(),
            },
            index=pd.Index(groups["group_value"].astype(str), name="Group"),
        )
        published = protect(CountTable.with_margins(leaves, total_row=EVERYONE, total_column=OBSERVATIONS))
        significant = dict(zip(groups["group_value"].astype(str), groups["is_significant"], strict=True))
        blocks.append(_with_shares(published.set_index("Group"), outcome, significant).assign(Breakdown=label))
    frame = pd.concat(blocks).reset_index()
    return frame[["Breakdown", "Group", *frame.columns.drop(["Breakdown", "Group"])]].astype(object)


def _with_shares(published: pd.DataFrame, outcome: str, significant: dict[str, bool]) -> pd.DataFrame:
    """Add the share (%), its interval and everyone else's share, from the published counts."""
    everyone_with, everyone_n = published.at[EVERYONE, outcome], published.at[EVERYONE, OBSERVATIONS]
    columns: dict[str, list[Published]] = {name: [] for name in SHARE_COLUMNS}
    for group, row in published.iterrows():
        with_outcome, n = row[outcome], row[OBSERVATIONS]
        hidden = SUPPRESSED in (row[outcome], row[WITHOUT], n)
        low, high = (SUPPRESSED, SUPPRESSED) if hidden else wilson(int(with_outcome), int(n))
        if group == EVERYONE:
            others, flag = None, None
        elif hidden or SUPPRESSED in (everyone_with, everyone_n):
            others, flag = SUPPRESSED, SUPPRESSED
        else:
            others = ratio(everyone_with - with_outcome, everyone_n - n)
            flag = "Yes" if significant.get(str(group)) else "No"
        for name, value in zip(SHARE_COLUMNS, (ratio(with_outcome, n), low, high, others, flag), strict=True):
            columns[name].append(value)
    return published.assign(**columns)


def wilson(successes: int, n: int) -> tuple[float | None, float | None]:
    """The Wilson score 95% interval of ``successes / n``, in percent (one decimal); None for n = 0."""
    if n <= 0:
        return None, None
    p = min(successes / n, 1.0)
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return round(100 * max(centre - half, 0.0), 1), round(100 * min(centre + half, 1.0), 1)
