"""Fetching deliveries over SFTP, against a real SFTP server on 127.0.0.1 (asyncssh, in a thread)."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
import pytest

from ingestion.settings import FEEDS, Settings
from ingestion.transfer import INCOMING, IncompleteTransfer, fetch_feed, is_delivery

CONN_ID = "landing_sftp"
USER, PASSWORD = "ascwh", "not-a-secret"


@dataclass
class SftpDrop:
    """The test server's state: its files, and what the client did to them."""

    root: Path  # the server's file system: one folder per feed
    landing: Path  # the client's landing folder, inspected at each removal
    cut_short: set[str] = field(default_factory=set)  # file names the server stops sending halfway
    removals: list[tuple[str, bool]] = field(default_factory=list)  # (remote path, local copy complete)


class _Server(asyncssh.SSHServer):
    """Password authentication with one user."""

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return (username, password) == (USER, PASSWORD)


class _DropSFTPServer(asyncssh.SFTPServer):
    """An SFTP server rooted at the drop, which can cut files short and records removals."""

    def __init__(self, chan: asyncssh.SSHServerChannel, drop: SftpDrop) -> None:
        super().__init__(chan, chroot=str(drop.root).encode())
        self.drop = drop

    def read(self, file_obj, offset: int, size: int) -> bytes:
        path = Path(os.fsdecode(file_obj.name))
        if path.name in self.drop.cut_short:
            size = max(0, min(size, path.stat().st_size // 2 - offset))
        return super().read(file_obj, offset, size)

    def remove(self, path: bytes) -> None:
        local = Path(os.fsdecode(self.map_path(path)))
        relative = local.relative_to(self.drop.root)
        landed = self.drop.landing / relative
        complete = landed.exists() and landed.read_bytes() == local.read_bytes()
        self.drop.removals.append((relative.as_posix(), complete))
        super().remove(path)


@contextmanager
def _serving(drop: SftpDrop) -> Iterator[tuple[int, str]]:
    """Run the drop's SFTP server on 127.0.0.1 in a thread; yield its port and public host key."""
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def listen() -> asyncssh.SSHAcceptor:
        return await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[host_key],
            server_factory=_Server,
            sftp_factory=lambda chan: _DropSFTPServer(chan, drop),
        )

    acceptor = asyncio.run_coroutine_threadsafe(listen(), loop).result(timeout=10)
    try:
        yield acceptor.get_port(), host_key.export_public_key().decode()
    finally:

        async def close() -> None:  # on the server's own loop: asyncio objects are not thread-safe
            acceptor.close()
            await acceptor.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@pytest.fixture
def sftp_drop(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[SftpDrop]:
    """A running SFTP server, reached through the Airflow connection ``CONN_ID``, for ``settings.landing``."""
    drop = SftpDrop(root=tmp_path / "remote", landing=settings.landing)
    for feed in FEEDS:
        (drop.root / feed).mkdir(parents=True)
    with _serving(drop) as (port, host_key):
        connection = {
            "conn_type": "sftp",
            "host": "127.0.0.1",
            "port": port,
            "login": USER,
            "password": PASSWORD,
            "extra": {"host_key": host_key, "look_for_keys": False},  # the server's key is pinned
        }
        monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(connection))
        yield drop


def put(drop: SftpDrop, feed: str, name: str, data: bytes) -> bytes:
    """Place a file on the server."""
    (drop.root / feed / name).write_bytes(data)
    return data


@pytest.mark.parametrize(
    ("feed", "name", "expected"),
    [
        ("council", "council_events_20240102.csv", True),
        ("council", "COUNCIL_DOLS_20240102.CSV", True),
        ("council", "council_events_20240102.csv.tmp", False),
        ("council", ".council_events_20240102.csv", False),
        ("council", "council_events_20240102.csv.part", False),
        ("council", "health_referrals_20240102.jsonl", False),
        ("health", "health_referrals_20240102.jsonl", True),
        ("carers_hub", "carers_hub_return_2024-01.xlsx", True),
        ("carers_hub", "~$carers_hub_return_2024-01.xlsx", False),
        ("safeguarding", "safeguarding_concerns_20240102.csv", True),
    ],
)
def test_only_final_delivery_names_are_fetched(feed: str, name: str, expected: bool) -> None:
    assert is_delivery(feed, name) is expected


def test_fetch_lands_complete_files_then_removes_them_from_the_server(sftp_drop: SftpDrop) -> None:
    second = put(sftp_drop, "council", "council_events_20240102.csv", os.urandom(300_000))
    first = put(sftp_drop, "council", "council_events_20240101.csv", b"Event_Reference\nE1\n")
    completed = 1_704_072_600  # 2024-01-01 01:30 UTC: when the sender renamed the file into place
    os.utime(sftp_drop.root / "council" / "council_events_20240101.csv", (completed, completed))
    put(sftp_drop, "council", "council_events_20240103.csv.tmp", b"still being written")
    put(sftp_drop, "council", "health_referrals_20240102.jsonl", b"{}\n")
    (sftp_drop.root / "council" / "old").mkdir()

    fetched = fetch_feed("council", sftp_drop.landing, CONN_ID)

    landed = sftp_drop.landing / "council"
    assert fetched == [landed / "council_events_20240101.csv", landed / "council_events_20240102.csv"]
    assert [path.read_bytes() for path in fetched] == [first, second]
    assert fetched[0].stat().st_mtime == completed  # the sender's time, for ingest.deliveries.received_at
    assert sftp_drop.removals == [
        ("council/council_events_20240101.csv", True),
        ("council/council_events_20240102.csv", True),
    ]
    assert sorted(path.name for path in (sftp_drop.root / "council").iterdir()) == [
        "council_events_20240103.csv.tmp",
        "health_referrals_20240102.jsonl",
        "old",
    ]
    assert list((sftp_drop.landing / INCOMING / "council").iterdir()) == []


def test_cut_off_transfer_lands_nothing_and_keeps_the_remote_file(sftp_drop: SftpDrop) -> None:
    data = put(sftp_drop, "health", "health_referrals_20240102.jsonl", os.urandom(100_000))
    sftp_drop.cut_short.add("health_referrals_20240102.jsonl")

    with pytest.raises(IncompleteTransfer):
        fetch_feed("health", sftp_drop.landing, CONN_ID)

    assert not (sftp_drop.landing / "health" / "health_referrals_20240102.jsonl").exists()
    assert list((sftp_drop.landing / INCOMING / "health").iterdir()) == []
    assert sftp_drop.removals == []
    assert (sftp_drop.root / "health" / "health_referrals_20240102.jsonl").read_bytes() == data

    sftp_drop.cut_short.clear()  # the retry gets the whole file
    fetched = fetch_feed("health", sftp_drop.landing, CONN_ID)
    assert [path.read_bytes() for path in fetched] == [data]
    assert sftp_drop.removals == [("health/health_referrals_20240102.jsonl", True)]


def test_empty_remote_folder_fetches_nothing(sftp_drop: SftpDrop) -> None:
    assert fetch_feed("safeguarding", sftp_drop.landing, CONN_ID) == []


@pytest.mark.slow
def test_ingest_dag_fetches_from_the_server_when_a_connection_is_set(
    airflow_db: Path, sftp_drop: SftpDrop, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingestion.dagrun import feed_report, run_feed_dag

    fixture = Path(__file__).parent / "fixtures" / "landing" / "council" / "council_events_20240110.csv"
    put(sftp_drop, "council", fixture.name, fixture.read_bytes())
    monkeypatch.setenv("ASCWH_LANDING_SFTP_CONN_ID", CONN_ID)

    run = run_feed_dag("council", settings)

    report = feed_report(run)
    assert run.state == "success"
    assert report is not None and report.files_loaded == 1
    assert sftp_drop.removals == [(f"council/{fixture.name}", True)]
