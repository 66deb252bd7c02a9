"""The Safeguarding Adults Board's data share of one quarter: build the pack, write it, deliver it.

Two steps, so the DAG can run and retry them as separate tasks (``ingestion.airflow_dags.share_board_dag``):
:func:`stage_pack` reads the marts and writes the pack into a staging folder under the outbox;
:func:`ingestion.share.deliver.deliver_pack` delivers it and records the delivery. :func:`share_quarter` runs both
(``ascwh share``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ingestion.settings import Settings
from ingestion.share import DEFAULT_RECIPIENT
from ingestion.share.audit import Delivery
from ingestion.share.deliver import deliver_pack, staging_folder
from ingestion.share.periods import Quarter

TITLE = "Safeguarding Adults Board data share"


def stage_pack(settings: Settings, quarter: Quarter, *, outbox: Path, key: bytes) -> Path:
    """Build the quarter's pack from the warehouse and write it into a new staging folder; return the folder."""
    from ingestion.share.pack import build_board_pack
    from ingestion.share.writers import write_pack

    staging = staging_folder(outbox, quarter.label)
    try:
        write_pack(build_board_pack(settings.warehouse, quarter, key), staging, title=f"{TITLE}, {quarter}")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def share_quarter(
    settings: Settings,
    quarter: Quarter,
    *,
    outbox: Path,
    key: bytes,
    recipient: str = DEFAULT_RECIPIENT,
    sftp_conn_id: str | None = None,
) -> tuple[Delivery, bool]:
    """Build, write and deliver the quarter's pack; return the delivery in force and whether this call made it."""
    staging = stage_pack(settings, quarter, outbox=outbox, key=key)
    return deliver_pack(staging, settings.warehouse, outbox=outbox, recipient=recipient, sftp_conn_id=sftp_conn_id)
