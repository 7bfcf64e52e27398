"""A device data dir made by the first wave (schema 2, kind and times in clear, 0644 files)
opens with today's code: every record, its history, its photos, the outbox and the settings
as they were, and afterwards nothing of that is readable without the key (issue 10, point 10).

The data dir in fixtures/device-v2 was made by the code before issue 10 (see its MADE_BY.md).
"""

import json
import os
import re
import shutil
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from core_fixtures import FAST, StepClock, observation

from fieldapp.model import KINDS
from fieldapp.services import unlock_device
from fieldapp.store import SCHEMA_VERSION
from sync.canonical import sha256_hex
from sync.crypto import b64decode
from sync.records import open_envelope
from tests.photos.photo_files import make_jpeg

FIXTURE = Path(__file__).parent / "fixtures" / "device-v2"
EXPECTED = json.loads((FIXTURE / "expected.json").read_text())
PASSPHRASE = EXPECTED["passphrase"]
ISO_TIME = re.compile(rb"20\d\d-\d\d-\d\d[T ]\d\d:\d\d")


@pytest.fixture
def old_dir(tmp_path):
    """A copy of the first-wave data dir, with the permissions that release left."""
    data_dir = tmp_path / "data"
    shutil.copytree(FIXTURE / "data", data_dir)
    os.chmod(data_dir, 0o755)
    os.chmod(data_dir / "fieldapp.db", 0o644)
    with closing(sqlite3.connect(data_dir / "fieldapp.db")) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert db.execute("SELECT count(*) FROM observation WHERE kind = 'unit_movement'").fetchone()[0] == 1
    return data_dir


def test_every_record_reads_as_before(old_dir):
    with unlock_device(old_dir, PASSPHRASE, kdf=FAST) as device:
        assert device.counts() == EXPECTED["counts"]
        for want in EXPECTED["records"]:
            view = device.get(want["id"])
            assert view.to_json() == want["json"]
            assert (view.kind, view.state, view.created_at, view.updated_at) == (
                want["kind"],
                want["state"],
                want["created_at"],
                want["updated_at"],
            )
            assert view.delivery_error == want["delivery_error"]
            assert [[e.state, e.at, e.message] for e in view.history] == want["history"]
            assert view.message == want["message"]
            assert [[p.sha256, p.name, p.upload_state] for p in device.photos(view.id)] == want["photos"]
            for photo in device.photos(view.id):
                assert sha256_hex(device.read_photo(view.id, photo.sha256)) == photo.sha256
        listed = []
        cursor = None
        while True:
            page = device.list_page(cursor=cursor, limit=3)
            listed += [view.id for view in page.items]
            if (cursor := page.next_cursor) is None:
                break
        assert sorted(listed) == sorted(want["id"] for want in EXPECTED["records"])
        settings = device.sync_settings
        assert {name: settings.get(name) for name in EXPECTED["settings"]} == EXPECTED["settings"]
        assert device.outbox.update_cursor() == EXPECTED["update_cursor"]
        assert device.settings().language == "ar"


def test_the_outbox_and_the_chain_carry_on(old_dir):
    server = b64decode(EXPECTED["seal_private_key"])
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    seal = X25519PrivateKey.from_private_bytes(server)
    with unlock_device(old_dir, PASSPHRASE, kdf=FAST, clock=StepClock()) as device:
        items = device.outbox.queued(after=None, limit=100)
        assert [(i.record_id, i.envelope) for i in items] == [
            (want["record_id"], want["envelope"]) for want in EXPECTED["outbox"]
        ]
        for item in items:
            opened = open_envelope(item.envelope["header"], item.envelope["sealed"], seal)
            assert opened.body == device.get(item.record_id).body
        last = max((v for v in EXPECTED["records"] if v["json"].get("seq")), key=lambda v: v["json"]["seq"])
        new = device.record(observation(description="after the upgrade"), finalize=True)
        view = device.get(new)
        assert view.seq == last["json"]["seq"] + 1
        assert view.prev_hash == sha256_hex(device.get(last["id"]).body)
        assert device.list_page(["queued"], limit=1).items[0].id == new


def test_after_the_upgrade_nothing_but_ids_and_states_is_readable(old_dir):
    unlock_device(old_dir, PASSPHRASE, kdf=FAST).lock()
    with closing(sqlite3.connect(old_dir / "fieldapp.db")) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    for path in [old_dir, *old_dir.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path.name, oct(mode))
    for path in old_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for kind in KINDS:
                assert kind.encode() not in content, (kind, path.name)
            assert ISO_TIME.search(content) is None, path.name
    # and a second unlock finds nothing left to do
    before = (old_dir / "fieldapp.db").read_bytes()
    with unlock_device(old_dir, PASSPHRASE, kdf=FAST) as device:
        assert device.counts() == EXPECTED["counts"]
    assert (old_dir / "fieldapp.db").read_bytes() == before


def test_a_version_1_database_gains_the_photo_table(old_dir):
    """Schema 1 (before photos): the first wave's file without its photos, as that release had it."""
    photographed = [want["id"] for want in EXPECTED["records"] if want["photos"]]
    with closing(sqlite3.connect(old_dir / "fieldapp.db")) as db:
        db.execute("DROP TABLE attachment")
        marks = ",".join("?" * len(photographed))
        db.execute(f"DELETE FROM status_event WHERE record_id IN ({marks})", photographed)
        db.execute(f"DELETE FROM observation WHERE id IN ({marks})", photographed)
        db.execute("PRAGMA user_version = 1")
        db.commit()
    with unlock_device(old_dir, PASSPHRASE, kdf=FAST) as device:
        drafts = [w["id"] for w in EXPECTED["records"] if w["state"] == "draft" and not w["photos"]]
        draft = drafts[0]
        assert device.get(draft).record["attachments"] == []
        device.attach_photo(draft, make_jpeg(seed=91))
        assert len(device.photos(draft)) == 1
        assert sum(device.counts().values()) == len(EXPECTED["records"]) - len(photographed)
    with closing(sqlite3.connect(old_dir / "fieldapp.db")) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
