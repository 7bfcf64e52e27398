"""A searcher holding the phone, without the passphrase (issue 10, point 10).

Everything the device keeps is read the way a searcher would: raw bytes of every file, and
the database opened with plain sqlite3. What may stay readable is what the unlock screen and
the page order need: a record's id, its state and an opaque sort key. Its kind, when it was
made or changed, and when each status step happened must not be readable.
"""

import re
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from fieldapp.model import KINDS
from fieldapp.services import create_device
from fieldapp.vault import FAST_KDF_FOR_TESTS
from sync.crypto import b64encode
from sync.wire import ItemResult, ReviewUpdate

START = datetime(2031, 7, 14, 5, 30, tzinfo=UTC)  # a year found nowhere else in the files
ISO_TIME = re.compile(rb"20\d\d-\d\d-\d\d[T ]\d\d:\d\d")
CLEAR_OBSERVATION_COLUMNS = {"id", "state", "sort_key"}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=7)
        return self.now


def observation(kind: str, description: str) -> dict:
    details = {"type": "shelling"} if kind == "violation" else {}
    if kind == "withdrawal":
        details = {"completeness": "full"}
    return {
        "kind": kind,
        "observed_at": "2031-07-14T04:00:00+02:00",
        "location": {"lat": 31.2, "lon": 16.6, "accuracy_m": 12, "source": "gps"},
        "observed_by": "saw",
        "certainty": "probable",
        "description": description,
        "details": details,
    }


def a_lived_in_device(data_dir):
    """Drafts, finalized records of several kinds, sent, refused and reviewed ones, a verifier's
    question: every path that writes a time, a kind or a status step."""
    device = create_device(data_dir, "pw", kdf=FAST_KDF_FOR_TESTS, clock=Clock())
    draft = device.record(observation("withdrawal", "a draft"))
    device.save_draft(observation("foreign_fighters", "the draft, edited"), record_id=draft)
    server = X25519PrivateKey.generate()
    device.sync_settings.set(server_seal_key=b64encode(server.public_key().public_bytes_raw()))
    ids = device.record_many(
        [observation(kind, f"a {kind}") for kind in ("violation", "heavy_weapons", "movement_restriction")],
        finalize=True,
    )
    device.outbox.mark_results(
        [
            ItemResult(record_id=ids[0], status="accepted"),
            ItemResult(record_id=ids[1], status="rejected", reason="conflicting content"),
        ]
    )
    device.outbox.apply_updates(
        [
            ReviewUpdate(
                cursor=1,
                record_id=ids[0],
                state="needs_info",
                message="Which way?",
                changed_at="2031-07-15T09:00:00Z",
            )
        ],
        cursor=1,
    )
    return device, [draft, *ids]


def every_file(directory):
    return {path: path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file()}


def test_no_kind_and_no_time_in_any_file(tmp_path):
    device, _ids = a_lived_in_device(tmp_path)
    views = [device.get(record_id) for record_id in _ids]
    assert {view.kind for view in views} == {
        "foreign_fighters",
        "violation",
        "heavy_weapons",
        "movement_restriction",
    }
    assert all(view.created_at.startswith("2031-07-14") for view in views)  # the app still knows
    open_files = every_file(tmp_path)
    device.lock()
    for files in (open_files, every_file(tmp_path)):
        assert any(path.name == "fieldapp.db" for path in files)
        for path, content in files.items():
            for kind in KINDS:
                assert kind.encode() not in content, f"{kind} readable in {path.name}"
            found = ISO_TIME.search(content)
            assert found is None, f"a time ({found and found.group()!r}) readable in {path.name}"
            assert b"2031" not in content, f"the year readable in {path.name}"


def test_only_id_state_and_sort_key_are_clear_columns(tmp_path):
    device, ids = a_lived_in_device(tmp_path)
    device.lock()
    with closing(sqlite3.connect(tmp_path / "fieldapp.db")) as db:
        for table in ("observation", "status_event"):
            names = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            rows = db.execute(f"SELECT * FROM {table}").fetchall()
            assert rows
            clear = {
                name
                for row in rows
                for name, value in zip(names, row, strict=True)
                if value is not None and not isinstance(value, bytes)
            }
            allowed = CLEAR_OBSERVATION_COLUMNS if table == "observation" else {"id", "record_id"}
            assert clear <= allowed, f"{table}: {sorted(clear - allowed)} in clear"
        states = dict(db.execute("SELECT id, state FROM observation"))
        assert states == {ids[0]: "draft", ids[1]: "needs_info", ids[2]: "queued", ids[3]: "queued"}
        # the sort key gives the list's order and nothing else: small whole numbers, no times
        keys = [row[0] for row in db.execute("SELECT sort_key FROM observation ORDER BY sort_key")]
        assert all(isinstance(key, int) and 0 < key < 10**6 for key in keys)
