"""The semantic layer answers from the built warehouse: ``mf query`` (MetricFlow's CLI, as an analyst runs it)
against the small year built on DuckDB, its figures checked against the marts themselves."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingestion.dbt_build import PROJECT_DIR, BuildSummary
from ingestion.settings import Settings

pytestmark = pytest.mark.slow

MF = Path(sys.executable).parent / "mf"


@pytest.fixture(scope="module")
def project(small_year_built: tuple[Settings, BuildSummary], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the dbt project holding the build's semantic manifest in ``target/`` (MetricFlow reads it there,
    whatever DBT_TARGET_PATH says), so the test uses the manifest of the build it queries."""
    settings, _ = small_year_built
    copy = tmp_path_factory.mktemp("mf") / "dbt_project"
    shutil.copytree(PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    (copy / "target").mkdir()
    shutil.copy(settings.warehouse.parent / "target" / "semantic_manifest.json", copy / "target")
    return copy


def mf_query(project: Path, warehouse: Path, metrics: str, group_by: str | None = None) -> pd.DataFrame:
    """Run ``mf query`` in ``project`` against ``warehouse``; the result as a DataFrame (via ``--csv``)."""
    out = project / "target" / f"{metrics.replace(',', '_')}.csv"
    args = [str(MF), "query", "--metrics", metrics, "--csv", str(out)]
    args += ["--group-by", group_by] if group_by else []
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "ASCWH_WAREHOUSE": str(warehouse)}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    done = subprocess.run(args, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    frame = pd.read_csv(out)
    frame.columns = [column.lower() for column in frame.columns]
    return frame


def marts(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).df()


def test_contacts_by_channel_match_the_contacts_mart(
    project: Path, small_year_built: tuple[Settings, BuildSummary]
) -> None:
    warehouse = small_year_built[0].warehouse
    result = mf_query(project, warehouse, "contacts", "contact__channel")
    expected = marts(warehouse, "select channel, count(*) as n from marts.fct_contacts group by channel")

    got = dict(zip(result["contact__channel"].fillna("(none)"), result["contacts"], strict=True))
    assert got == dict(zip(expected["channel"].fillna("(none)"), expected["n"], strict=True))
    assert sum(got.values()) > 100


def test_ratio_and_distinct_metrics_by_month(project: Path, small_year_built: tuple[Settings, BuildSummary]) -> None:
    warehouse = small_year_built[0].warehouse
    result = mf_query(
        project, warehouse, "safeguarding_concerns,safeguarding_conversion_rate,people_contacted", "metric_time__month"
    )
    concerns = marts(warehouse, "select count(*) as n from marts.fct_safeguarding_concerns")["n"][0]

    assert len(result) >= 12  # a year of months
    assert result["safeguarding_concerns"].sum() == concerns
    rates = result["safeguarding_conversion_rate"].dropna()
    assert len(rates) and ((rates >= 0) & (rates <= 1)).all()
    assert (result["people_contacted"].fillna(0) > 0).sum() >= 12
