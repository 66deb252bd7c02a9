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
