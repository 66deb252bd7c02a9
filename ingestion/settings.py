"""Where ascwh keeps its files: one place to read the paths every component shares.

Every path comes from an environment variable (the names are in ``ENV_VARS``) or defaults to a folder
under ``ASCWH_HOME`` (``./.ascwh`` unless set), so the CLI, the DAGs and docker-compose agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

ENV_VARS = (
    "ASCWH_HOME",
    "ASCWH_LANDING",
    "ASCWH_ARCHIVE",
    "ASCWH_WAREHOUSE",
    "ASCWH_QUARANTINE",
    "ASCWH_DOCS",
)

FEEDS = ("council", "health", "carers_hub", "safeguarding")

OUTBOX_ENV = "ASCWH_OUTBOX"  # where data shares are delivered (ingestion/share) when not over SFTP


@dataclass(frozen=True)
class Settings:
    """Paths of one ascwh installation."""

    landing: Path  # inbox: one sub-folder per feed; files are moved to the archive once recorded
    archive: Path  # immutable copies of every delivery, by feed and sha256
    warehouse: Path  # the DuckDB database file
    quarantine: Path  # readable reports of quarantined deliveries
    docs: Path  # Great Expectations Data Docs

    def __post_init__(self) -> None:
        # absolute, so that they mean the same in every process and task (and to Great Expectations)
        for item in fields(self):
            object.__setattr__(self, item.name, Path(getattr(self, item.name)).absolute())

    @classmethod
    def under(cls, home: Path, landing: Path | None = None) -> Settings:
        """Every path in one folder (the landing folder may be elsewhere)."""
        return cls(
            landing=landing or home / "landing",
            archive=home / "archive",
            warehouse=home / "warehouse" / "ascwh.duckdb",
            quarantine=home / "quarantine",
            docs=home / "docs",
        )

    @classmethod
    def from_env(cls, home: Path | None = None, **overrides: Path | str | None) -> Settings:
        """Settings from the environment, with explicit overrides (None means "not given"), as absolute paths.

        ``home`` replaces ``ASCWH_HOME`` as the folder the paths not set otherwise default to."""
        home = Path(home or os.environ.get("ASCWH_HOME", ".ascwh"))
        defaults = cls.under(home)
        settings = cls(
            landing=Path(os.environ.get("ASCWH_LANDING", defaults.landing)),
            archive=Path(os.environ.get("ASCWH_ARCHIVE", defaults.archive)),
            warehouse=Path(os.environ.get("ASCWH_WAREHOUSE", defaults.warehouse)),
            quarantine=Path(os.environ.get("ASCWH_QUARANTINE", defaults.quarantine)),
            docs=Path(os.environ.get("ASCWH_DOCS", defaults.docs)),
        )
        given = {key: Path(value) for key, value in overrides.items() if value is not None}
        return replace(settings, **given)

    def to_env(self) -> dict[str, str]:
        """The environment variables that reproduce these settings in another process."""
        return {
            "ASCWH_LANDING": str(self.landing),
            "ASCWH_ARCHIVE": str(self.archive),
            "ASCWH_WAREHOUSE": str(self.warehouse),
            "ASCWH_QUARANTINE": str(self.quarantine),
            "ASCWH_DOCS": str(self.docs),
        }


def outbox_path(home: Path | None = None) -> Path:
    """The outbox of data shares: ``ASCWH_OUTBOX``, else ``outbox/`` under ``home`` (default ``ASCWH_HOME``)."""
    home = Path(home or os.environ.get("ASCWH_HOME", ".ascwh"))
    return Path(os.environ.get(OUTBOX_ENV) or home / "outbox").absolute()
