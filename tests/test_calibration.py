"""The calibration report compares each published figure with what a simulated county of a given scale should show."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingestion.calibration import WORCESTERSHIRE_ADULTS, compare

ADULTS = 520_000  # the county's real adult population (marts.dim_locality)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding only dim_locality: every figure's query fails, its expected value is still computed."""
    path = tmp_path_factory.mktemp("calibration") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        conn.execute(f"create table marts.dim_locality as select {ADULTS} as adult_population")
    return path


@pytest.mark.parametrize(
    ("name", "published", "factor"),
    [
        ("Social work assessments completed in the year", 10_631, 10),  # a count: scale
        ("Safeguarding concerns", 4_455, 10 * ADULTS / WORCESTERSHIRE_ADULTS),  # another county's count: and adults
        ("Concerns per 100,000 adults (individuals)", 803, 10),  # a rate over the real population: scale only
        ("Conversion rate: enquiries started / concerns received", 27, 1),  # a share: as published
    ],
)
def test_expected_values_at_scale_10(warehouse: Path, name: str, published: float, factor: float) -> None:
    found = {comparison.figure.name: comparison for comparison in compare(warehouse, scale=10)}
    comparison = found[name]
    assert comparison.figure.published == published
    assert comparison.expected == pytest.approx(published * factor)
    assert comparison.value is None and comparison.error  # no marts: a recorded error, not a crash
