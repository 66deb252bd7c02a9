"""Shared test fixtures.

Airflow reads its configuration when it is first imported, so the offline Airflow environment
(``ingestion.dagrun.airflow_env``: a throwaway Airflow home with a SQLite metadata DB, the repository's
``dags/``, no examples, no telemetry) is set in ``pytest_configure``, before any test module imports Airflow.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from ingestion.dagrun import airflow_env
from ingestion.settings import Settings

AIRFLOW_HOME = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    home = Path(tempfile.mkdtemp(prefix="ascwh-test-airflow-"))
    config.stash[AIRFLOW_HOME] = home
    os.environ.update(airflow_env(home))


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash[AIRFLOW_HOME], ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db(pytestconfig: pytest.Config) -> Path:
    """A migrated Airflow metadata database, for in-process ``dag.test()`` runs; returns the Airflow home."""
    from ingestion.dagrun import migrate

    migrate()
    return pytestconfig.stash[AIRFLOW_HOME]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with every path under the test's own temporary folder (nothing exists yet)."""
    return Settings.under(tmp_path)


# ---- a small year, landed: the warehouse tests (tests/test_dbt_build.py, the build DAG) build dbt on it --------

SMALL_YEAR_SCALE = 0.03
SMALL_YEAR_SEED = 5


@pytest.fixture(scope="session")
def small_year(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A year (2023-24) of the four feeds at a small scale, simulated with the default faults and landed
    (first deliveries, then re-deliveries) into a DuckDB warehouse. Copy the warehouse before writing it."""
    from dataclasses import replace
    from datetime import date

    from ingestion.pipeline import ingest_feed
    from ingestion.settings import FEEDS
    from ingestion.simulate import simulate

    home = tmp_path_factory.mktemp("small_year")
    out = home / "deliveries"
    simulate(out, scale=SMALL_YEAR_SCALE, start=date(2023, 4, 1), end=date(2024, 3, 31), seed=SMALL_YEAR_SEED,
             progress=False)  # fmt: skip
    settings = Settings.under(home, landing=out)
    for landing in (out, out / "redeliveries"):
        for feed in FEEDS:
            ingest_feed(feed, replace(settings, landing=landing))
    return settings


@pytest.fixture(scope="session")
def dbt_manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dbt project parsed afresh (manifest.json, semantic_manifest.json) in a folder of its own; the
    build DAG renders from it (ASCWH_DBT_MANIFEST is set for the session)."""
    from ingestion.dbt_build import MANIFEST_ENV, parse_project

    manifest = parse_project(target_dir=tmp_path_factory.mktemp("dbt_target"))
    os.environ[MANIFEST_ENV] = str(manifest)
    return manifest


@pytest.fixture(scope="session")
def small_year_built(small_year: Settings, tmp_path_factory: pytest.TempPathFactory):
    """The small year built on DuckDB by ``build_warehouse`` (on a copy of its warehouse): (settings, summary)."""
    import shutil
    from dataclasses import replace

    from ingestion.dbt_build import build_warehouse

    home = tmp_path_factory.mktemp("small_year_built")
    settings = replace(small_year, warehouse=home / "wh.duckdb")
    shutil.copy(small_year.warehouse, settings.warehouse)
    return settings, build_warehouse(settings, target_dir=home / "target")
