"""Deliver a written pack: into the outbox folder (by default), or onto the board's SFTP server.

The pack is written first into a staging folder beside the outbox's quarters (``<outbox>/.staging/``, the same file
system), then:

- **outbox** (no SFTP connection configured): the staging folder becomes ``<outbox>/safeguarding_board/<quarter>/``
  by a rename; a previous pack of the quarter is renamed aside first and removed after, so a reader sees the old
  pack or the new one, never a mixture or half a pack;
- **SFTP** (``ASCWH_SHARE_SFTP_CONN_ID`` names an Airflow SFTP connection): the files are uploaded into
  ``safeguarding_board/.<quarter>.partial/`` on the server (relative to the login folder), each checked against its
  local size, and the folder is then renamed to ``safeguarding_board/<quarter>/`` (a previous one renamed aside and
  removed), the way senders deliver to us: the recipient never sees a partial pack.

Idempotent: when the latest delivery of the quarter to the same recipient and destination (``share.deliveries``)
has the same fingerprint (the files' checksums, the manifest's generation time left out), nothing is sent and no
audit row is added; the staging folder is dropped. For the outbox this also requires the delivered folder to be
still there with that content. The audit row is written after the transfer: a run that fails in between sends the
same content again on the next try and records it then.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ingestion.share.audit import Delivery, latest_delivery, record_delivery
from ingestion.share.writers import MANIFEST, SharedFile, fingerprint
from ingestion.warehouse import open_warehouse

if TYPE_CHECKING:
    from paramiko import SFTPClient

log = logging.getLogger(__name__)

SHARE_FOLDER = "safeguarding_board"  # under the outbox, and on the SFTP server
STAGING = ".staging"  # under the outbox


def staging_folder(outbox: Path, quarter: str) -> Path:
    """A fresh (not yet existing) staging folder for a pack of ``quarter``."""
    return outbox / STAGING / f"{quarter}-{uuid.uuid4().hex[:12]}"


def deliver_pack(
    staging: Path, warehouse: Path, *, outbox: Path, recipient: str, sftp_conn_id: str | None = None
) -> tuple[Delivery, bool]:
    """Deliver the pack in ``staging`` (moved or removed afterwards); return the delivery in force and whether
    this call delivered it (False: the same content was delivered already)."""
    manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    quarter = manifest["quarter"]
    files = [SharedFile(**item) for item in manifest["files"]] + [SharedFile.of(staging / MANIFEST, staging)]
    content = fingerprint(files)
    target = outbox / SHARE_FOLDER / quarter
    destination = _sftp_destination(sftp_conn_id, quarter) if sftp_conn_id else str(target)
    with open_warehouse(warehouse) as conn:
        last = latest_delivery(conn, quarter, recipient, destination)
    if last is not None and last.fingerprint == content and (sftp_conn_id or _holds(target, content)):
        shutil.rmtree(staging)
        log.info("%s: the same pack was delivered already (%s); nothing sent", quarter, last.delivery_id)
        return last, False
    if sftp_conn_id:
        upload_pack(staging, sftp_conn_id, f"{SHARE_FOLDER}/{quarter}")
        shutil.rmtree(staging)
    else:
        replace_folder(staging, target)
    delivery = Delivery(
        delivery_id=uuid.uuid4().hex[:16],
        quarter=quarter,
        recipient=recipient,
        channel="sftp" if sftp_conn_id else "outbox",
        destination=destination,
        fingerprint=content,
        files=files,
        generated_at=datetime.fromisoformat(manifest["generated_at"]).astimezone(UTC).replace(tzinfo=None),
        delivered_at=datetime.now(UTC).replace(tzinfo=None),
        code_version=manifest["code_version"],
        supersedes=last.delivery_id if last else None,
    )
    with open_warehouse(warehouse) as conn:
        record_delivery(conn, delivery)
    log.info("%s: delivered %d files to %s (%s)", quarter, len(files), destination, delivery.delivery_id)
    return delivery, True


def _holds(folder: Path, content: str) -> bool:
    """Whether ``folder`` holds a pack with this fingerprint, its files intact."""
    manifest = folder / MANIFEST
    if not manifest.exists():
        return False
    listed = [SharedFile(**item) for item in json.loads(manifest.read_text(encoding="utf-8"))["files"]]
    return fingerprint(listed) == content and all(SharedFile.of(folder / f.name, folder) == f for f in listed)


def replace_folder(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target`` by renames (same file system); a folder already there is removed after."""
    target.parent.mkdir(parents=True, exist_ok=True)
    aside = target.with_name(f".{target.name}.replaced-{uuid.uuid4().hex[:8]}") if target.exists() else None
    if aside is not None:
        os.replace(target, aside)
    os.replace(staging, target)
    if aside is not None:
        shutil.rmtree(aside)


# ---- SFTP -------------------------------------------------------------------------------------------------------


def _sftp_destination(conn_id: str, quarter: str) -> str:
    """Where the pack goes on the server, for the audit: ``sftp://host:port/safeguarding_board/<quarter>``."""
    from airflow.sdk import Connection

    connection = Connection.get(conn_id)
    return f"sftp://{connection.host}:{connection.port or 22}/{SHARE_FOLDER}/{quarter}"


def upload_pack(staging: Path, conn_id: str, remote: str) -> None:
    """Upload every file under ``staging`` to the folder ``remote`` of the SFTP server of connection ``conn_id``,
    through a partial folder renamed into place once every file is complete."""
    from airflow.providers.sftp.hooks.sftp import SFTPHook

    parent, name = remote.rsplit("/", 1)
    partial, aside = f"{parent}/.{name}.partial", f"{parent}/.{name}.replaced"
    with SFTPHook(ssh_conn_id=conn_id).get_managed_conn() as sftp:
        _makedirs(sftp, parent)
        for leftover in (partial, aside):  # from an interrupted try
            _remove_tree(sftp, leftover)
        sftp.mkdir(partial)
        for path in sorted(staging.rglob("*")):  # a folder comes before its files
            relative = path.relative_to(staging).as_posix()
            if path.is_dir():
                sftp.mkdir(f"{partial}/{relative}")
            else:
                sftp.put(str(path), f"{partial}/{relative}", confirm=True)  # confirm: the remote size must match
        if _exists(sftp, remote):
            sftp.rename(remote, aside)
        sftp.rename(partial, remote)
        _remove_tree(sftp, aside)


def _exists(sftp: SFTPClient, path: str) -> bool:
    try:
        sftp.stat(path)
    except FileNotFoundError:
        return False
    return True


def _makedirs(sftp: SFTPClient, path: str) -> None:
    current = ""
    for part in path.split("/"):
        current = f"{current}/{part}" if current else part
        if not _exists(sftp, current):
            sftp.mkdir(current)


def _remove_tree(sftp: SFTPClient, path: str) -> None:
    if not _exists(sftp, path):
        return
    for entry in sftp.listdir_attr(path):
        child = f"{path}/{entry.filename}"
        if stat.S_ISDIR(entry.st_mode or 0):
            _remove_tree(sftp, child)
        else:
            sftp.remove(child)
    sftp.rmdir(path)
