"""The calibration report: every published figure of ``reference-figures.md`` the warehouse can compute.

Each domain module lists its figures: the published value (the reference, never fed to the marts) and the SQL
that computes the same figure from the marts. ``compare`` runs them all against a built warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The reporting year of the published figures (2023-24, 1 April to 31 March).
YEAR_START = "2023-04-01"
YEAR_END = "2024-03-31"
# Safeguarding and DoLS figures are Worcestershire's (context 004): counts scale by adult population.
WORCESTERSHIRE_ADULTS = 485_737


@dataclass(frozen=True)
class Figure:
    """One published figure and the SQL (one row, one value, over the marts) that reproduces it."""

    section: str
    name: str
    published: float
    sql: str
    unit: str = ""
    # A count that grows with the simulation's scale (and, for Worcestershire's, with adult population).
    extensive: bool = False
    worcestershire: bool = False
    # A rate over the county's real adult population (ref locality): the simulation's scale multiplies the people
    # counted but not the population, so the rate grows with the scale alone.
    per_real_population: bool = False


DOMAINS = ("front_door", "council_assessments", "council_services", "health", "carers", "safeguarding")


@dataclass(frozen=True)
class Comparison:
    figure: Figure
    expected: float
    value: float | None
    error: str | None = None

    @property
    def difference(self) -> float | None:
        """Relative difference from the expected figure (0.05 = 5% above)."""
        if self.value is None or not self.expected:
            return None
        return (self.value - self.expected) / self.expected


def figures() -> list[Figure]:
    """Every domain's figures, in the order of reference-figures.md."""
    from importlib import import_module

    found: list[Figure] = []
    for domain in DOMAINS:
        found.extend(import_module(f"{__name__}.{domain}").FIGURES)
    return found


def compare(warehouse: Path, scale: float = 1.0) -> list[Comparison]:
    """Compute every figure from a built DuckDB warehouse (opened read-only)."""
    import duckdb

    comparisons = []
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        adults = conn.execute("select sum(adult_population) from marts.dim_locality").fetchone()[0]
        for figure in figures():
            expected = figure.published
            if figure.extensive:
                expected *= scale * (adults / WORCESTERSHIRE_ADULTS if figure.worcestershire else 1)
            elif figure.per_real_population:
                expected *= scale
            try:
                row = conn.execute(figure.sql).fetchone()
            except duckdb.Error as error:
                comparisons.append(Comparison(figure, expected, None, type(error).__name__))
                continue
            value = None if row is None or row[0] is None else float(row[0])
            comparisons.append(Comparison(figure, expected, value))
    return comparisons
