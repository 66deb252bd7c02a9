"""What one ingestion run did to one feed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class FeedReport:
    """Counts of one feed's run: deliveries by outcome and rows by outcome."""

    feed: str
    files_seen: int = 0
    files_loaded: int = 0
    files_ignored: int = 0
    files_quarantined: int = 0
    files_superseded: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    fields_flagged: int = 0
    schema_drift: list[str] = field(default_factory=list)
    quarantine_reports: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the run changed the raw layer (so downstream should rebuild)."""
        return self.files_loaded > 0 or self.files_superseded > 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> FeedReport:
        return cls(**data)
