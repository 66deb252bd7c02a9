"""Fetch deliveries from the partners' SFTP drop into the local landing folder.

The server holds one folder per feed (``council/``, ``health/``, ...), relative to the login directory.
Senders write to a temporary name and rename, so only files under a final delivery name are taken
(``<feed>_*`` with the feed's extension; anything else, such as ``*.tmp`` or ``*.part``, is left alone).

Each file is downloaded to ``<landing>/.incoming/<feed>/`` (outside every feed folder, so the pipeline
never sees half a file), checked against the size the server listed, flushed to disk, and renamed into
``<landing>/<feed>/`` with the remote file's modification time (its arrival: ``ingest.deliveries.received_at``).
Only then is the remote copy removed: an interrupted fetch leaves the remote file in place for the next try,
and the warehouse's own archive keeps every delivery once it is recorded.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paramiko import SFTPClient

log = logging.getLogger(__name__)

# feed -> extensions of its final file names (source-feeds spec)
DELIVERY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "council": (".csv",),
    "health": (".jsonl",),
    "carers_hub": (".xlsx",),
    "safeguarding": (".csv",),
}

INCOMING = ".incoming"  # staging folder under the landing folder


class IncompleteTransfer(OSError):
    """A downloaded file's size differs from the size the server listed."""


def is_delivery(feed: str, name: str) -> bool:
    """True when ``name`` is a final (renamed, complete) delivery name of ``feed``."""
    lower = name.lower()
    return lower.startswith(f"{feed}_") and lower.endswith(DELIVERY_SUFFIXES[feed])


def fetch_feed(feed: str, landing: Path, conn_id: str) -> list[Path]:
    """Move the feed's new files from the SFTP server of Airflow connection ``conn_id`` to the landing folder.

    Returns the local paths of the files fetched, in name (extract-date) order.
    """
    from airflow.providers.sftp.hooks.sftp import SFTPHook

    hook = SFTPHook(ssh_conn_id=conn_id)
    with hook.get_managed_conn() as sftp:
        return download_new_files(sftp, feed, landing)


def download_new_files(sftp: SFTPClient, feed: str, landing: Path) -> list[Path]:
    """Download every delivery waiting in the server's ``<feed>/`` folder, removing each remote copy after."""
    waiting = sorted(
        (entry.filename, entry.st_size or 0, entry.st_mtime)
        for entry in sftp.listdir_attr(feed)
        if stat.S_ISREG(entry.st_mode or 0) and is_delivery(feed, entry.filename)
    )
    fetched = [_download(sftp, f"{feed}/{name}", size, mtime, landing / feed / name) for name, size, mtime in waiting]
    log.info("fetched %d %s file(s) into %s", len(fetched), feed, landing / feed)
    return fetched


def _download(sftp: SFTPClient, remote: str, size: int, mtime: int | None, target: Path) -> Path:
    """Copy one remote file to ``target`` through a staging name, then remove the remote file. The local copy
    keeps the remote modification time (when the sender completed the file) where the server gives one."""
    staging = target.parent.parent / INCOMING / target.parent.name / target.name
    staging.parent.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    sftp.get(remote, str(staging))
    _check_complete(staging, size)
    if mtime is not None:
        os.utime(staging, (mtime, mtime))
    os.replace(staging, target)
    sftp.remove(remote)
    log.info("fetched %s (%d bytes)", remote, size)
    return target


def _check_complete(path: Path, size: int) -> None:
    """Flush ``path`` to disk and check it holds ``size`` bytes."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
    got = path.stat().st_size
    if got != size:
        path.unlink()
        raise IncompleteTransfer(f"{path.name}: got {got} of {size} bytes")
