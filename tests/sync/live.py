"""Helpers for sync tests against a real server: devices with queued records, and the checks.

The central check, `assert_exactly_once`, compares the server's database with the device:
the server holds exactly the records the device finalized, each once and byte for byte
(same signature), and every device state agrees with the server's.
"""

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from fieldapp.services import create_device, unlock_device
from fieldapp.services.enrollment import enroll_device
from fieldapp.vault import FAST_KDF_FOR_TESTS
from sync.crypto import b64decode
from tests.support.devices import make_device
from tests.support.live_server import REPO_ROOT, create_enrollment_code, server_command, start_live_server

PASSPHRASE = "correct horse battery staple"
FINALIZED = ("queued", "sent", "received", "needs_info", "verified", "unverifiable", "rejected")


def observations(count: int, seed: int) -> list[dict]:
    """`count` valid observations in Record format (input form: no id, no recorded_at)."""
    maker = make_device(seed)
    items = []
    for _ in range(count):
        record = maker.record()
        record.pop("id")
        record.pop("recorded_at")
        items.append(record)
    return items


def new_device(data_dir: Path, *, queued: int, seed: int = 1):
    """A fresh device with `queued` finalized records (not yet sealed: no server known)."""
    device = create_device(data_dir, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
    if queued:
        device.record_many(observations(queued, seed), finalize=True)
    return device


def enrolled_device(data_dir: Path, server_dir: Path, url: str, *, queued: int, seed: int = 1):
    device = new_device(data_dir, queued=queued, seed=seed)
    enroll_device(device, url, create_enrollment_code(server_dir))
    return device


def reopen(data_dir: Path):
    return unlock_device(data_dir, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)


def server_reports(server_dir: Path, device_id: str) -> list[tuple[str, bytes, str]]:
    """(record id, signature, state) of every report the server holds from this device."""
    with contextlib.closing(sqlite3.connect(server_dir / "server.db", timeout=10)) as db:
        return db.execute(
            "SELECT record_id, signature, state FROM reports WHERE device_id = ? ORDER BY seq", (device_id,)
        ).fetchall()


def device_records(device) -> list:
    views, cursor = [], None
    while True:
        page = device.list_page(list(FINALIZED), cursor=cursor, limit=500)
        views.extend(page.items)
        if page.next_cursor is None:
            return views
        cursor = page.next_cursor


def assert_exactly_once(device, server_dir: Path, *, expect: int) -> None:
    """The server holds exactly the device's finalized records, each once, and states agree."""
    views = {v.id: v for v in device_records(device)}
    rows = server_reports(server_dir, device.device_id)
    ids = [row[0] for row in rows]
    assert len(views) == expect
    assert len(ids) == len(set(ids)), "a record is on the server twice"
    assert set(ids) == set(views), (
        f"missing on server: {len(set(views) - set(ids))}, unknown on server: {len(set(ids) - set(views))}"
    )
    for record_id, signature, server_state in rows:
        view = views[record_id]
        assert b64decode(view.signature) == signature, "the server holds other bytes than the device signed"
        # The device is `sent` until it pulls the server's `received`; later states must match.
        if server_state == "received":
            assert view.state in ("sent", "received"), (record_id, view.state)
        else:
            assert view.state == server_state, (record_id, view.state, server_state)
        assert view.delivery_error is None


def fieldapp_command(*args: str, data_dir: Path | None) -> list[str]:
    """`python -m fieldapp ARGS [--data-dir DIR]`; None for server verbs that take their own
    (those run on the server's Python: tests.support.live_server.server_command)."""
    if args and args[0] in ("serve", "admin"):
        return server_command(*args, *(["--data-dir", str(data_dir)] if data_dir else []))
    return [sys.executable, "-m", "fieldapp", *args, *(["--data-dir", str(data_dir)] if data_dir else [])]


def fieldapp_env() -> dict[str, str]:
    return {**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO_ROOT)}


def run_fieldapp(*args: str, data_dir: Path | None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        fieldapp_command(*args, data_dir=data_dir),
        cwd=REPO_ROOT,
        env=fieldapp_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def start_server_process(data_dir: Path, port: int, *, timeout: float = 30.0) -> subprocess.Popen:
    """The server as a bare process the test may kill -9 (live_server always stops politely)."""
    return start_live_server(data_dir, port=port, timeout=timeout).process
