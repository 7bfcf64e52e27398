"""The local store through the services: drafts, finalizing, paging, outbox, schema version."""

import itertools
import json
import sqlite3
import threading

import pytest
from core_fixtures import FAST, StepClock, observation
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from fieldapp.model import InvalidObservation
from fieldapp.services import (
    CannotAmend,
    InvalidItem,
    NotADraft,
    NotEditable,
    UnknownRecord,
    create_device,
    unlock_device,
)
from fieldapp.store import SCHEMA_VERSION, DatabaseTooNew, database_path, open_database
from fieldapp.vault import Locked, unlock_vault
from sync.canonical import sha256_hex
from sync.crypto import b64decode, b64encode
from sync.records import SignedRecord, open_envelope, verify_record
from sync.wire import ItemResult, ReviewUpdate


@pytest.fixture
def device(tmp_path):
    dev = create_device(tmp_path, "pw", kdf=FAST, clock=StepClock())
    yield dev
    if not dev.locked:
        dev.lock()


def test_drafts_can_be_edited_and_deleted(device):
    record_id = device.save_draft(observation(description="first"))
    assert device.get(record_id).record["description"] == "first"
    device.save_draft(observation(description="second", certainty="confirmed"), record_id=record_id)
    view = device.get(record_id)
    assert (view.state, view.record["description"], view.record["certainty"]) == (
        "draft",
        "second",
        "confirmed",
    )
    device.delete_draft(record_id)
    with pytest.raises(UnknownRecord):
        device.get(record_id)
    with pytest.raises(UnknownRecord):
        device.delete_draft(record_id)


def test_invalid_input_stores_nothing(device):
    with pytest.raises(InvalidObservation) as caught:
        device.record(observation(details={"type": "shelling", "count": -2}))
    assert [e.field for e in caught.value.errors] == ["details.count"]
    with pytest.raises(InvalidItem) as caught:
        device.record_many([observation(), observation(), observation(certainty="sure")])
    assert caught.value.index == 2 and "record 3 of 3: certainty" in str(caught.value)
    with pytest.raises(InvalidItem, match="kind"):
        device.record_many([observation()], kind="other")
    assert sum(device.counts().values()) == 0


def test_finalized_records_are_signed_chained_and_immutable(device):
    first = device.record(observation(description="one"), finalize=True)
    draft = device.record(observation(description="two"))
    second = device.finalize(draft)
    one = device.get(first)
    assert (one.seq, one.prev_hash, second.seq, second.prev_hash) == (1, None, 2, one_hash(one))
    content = verify_record(signed_of(second), device._keys.public_key)
    assert content["description"] == "two" and content["recorded_at"] == second.recorded_at
    assert [e.state for e in second.history] == ["draft", "queued"]
    with pytest.raises(NotEditable):
        device.save_draft(observation(description="changed"), record_id=first)
    with pytest.raises(NotEditable):
        device.delete_draft(first)
    with pytest.raises(NotADraft):
        device.finalize(first)
    assert device.get(first).body == one.body


def test_amendment_prefills_from_a_finalized_record(device):
    source = device.record(observation(description="wrong count"), finalize=True)
    prefill = device.start_amendment(source)
    assert prefill["amends"] == source and "id" not in prefill
    prefill["details"]["count"] = 5
    amended = device.record(prefill, finalize=True)
    assert device.get(amended).record["amends"] == source
    with pytest.raises(CannotAmend):
        device.start_amendment(device.record(observation()))


def test_concurrent_finalizes_never_share_a_sequence_number(tmp_path):
    dev = create_device(tmp_path, "pw", kdf=FAST, clock=StepClock())
    ids = [dev.record(observation(description=f"n{i}")) for i in range(24)]
    errors: list[BaseException] = []

    def work(chunk):
        try:
            for record_id in chunk:
                dev.finalize(record_id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(ids[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    views = sorted((dev.get(i) for i in ids), key=lambda v: v.seq)
    assert [v.seq for v in views] == list(range(1, 25))
    for previous, current in itertools.pairwise(views):
        assert current.prev_hash == one_hash(previous)
    dev.lock()


def test_pages_are_newest_first_and_decrypt_only_their_rows(device, monkeypatch):
    ids = device.record_many([observation(description=f"#{i}") for i in range(7)])
    device.finalize(ids[0])
    decrypted = []
    real_decrypt = device._keys.decrypt
    monkeypatch.setattr(
        device._keys, "decrypt", lambda blob, aad: decrypted.append(aad) or real_decrypt(blob, aad)
    )
    first = device.list_page(limit=3)
    rows_opened = {aad.decode().split("/")[3] for aad in decrypted}  # fieldapp/v1/observation/<id>[/column]
    assert rows_opened == {view.id for view in first.items} and len(rows_opened) == 3
    second = device.list_page(cursor=first.next_cursor, limit=3)
    third = device.list_page(cursor=second.next_cursor, limit=3)
    seen = [v.id for v in first.items + second.items + third.items]
    # newest first, where finalizing counts as new: the record just signed leads
    assert seen == [ids[0], *reversed(ids[1:])] and third.next_cursor is None
    drafts = device.list_page(["draft"], limit=50)
    assert [v.id for v in drafts.items] == list(reversed(ids[1:]))
    assert [v.id for v in device.list_page(["queued", "sent"]).items] == [ids[0]]
    assert device.counts()["draft"] == 6 and device.counts()["queued"] == 1 and device.counts()["sent"] == 0


def test_outbox_seals_results_and_review_updates(device):
    early = device.record(observation(description="before enrolment"), finalize=True)
    outbox = device.outbox
    assert outbox.count_queued() == 0  # not sealed: no server key yet
    server = X25519PrivateKey.generate()
    device.sync_settings.set(server_seal_key=b64encode(server.public_key().public_bytes_raw()))
    assert device.seal_queued() == 1 and device.seal_queued() == 0
    late = device.record(observation(description="after enrolment"), finalize=True)
    items = outbox.queued(after=None, limit=10)
    assert [item.record_id for item in items] == [early, late]
    assert [item.record_id for item in outbox.queued(after=early, limit=10)] == [late]
    opened = open_envelope(items[1].envelope["header"], items[1].envelope["sealed"], server)
    assert opened.body == device.get(late).body
    assert items[1].size == len(json.dumps(items[1].envelope, separators=(",", ":")).encode())

    outbox.mark_results(
        [
            ItemResult(record_id=early, status="duplicate"),
            ItemResult(record_id=late, status="rejected", reason="bad signature"),
        ]
    )
    assert device.get(early).state == "sent"
    rejected = device.get(late)
    assert (rejected.state, rejected.delivery_error) == ("queued", "bad signature")
    assert outbox.count_queued() == 0  # not resent blindly

    assert outbox.update_cursor() == 0
    outbox.apply_updates(
        [
            ReviewUpdate(
                cursor=5,
                record_id=early,
                state="needs_info",
                message="Which direction?",
                changed_at="2025-05-02T09:00:00Z",
            )
        ],
        cursor=5,
    )
    view = device.get(early)
    assert (view.state, view.message, outbox.update_cursor()) == ("needs_info", "Which direction?", 5)
    assert [e.state for e in view.history] == ["queued", "sent", "needs_info"]
    # a late "accepted" for an already reviewed record does not move it backwards
    outbox.mark_results([ItemResult(record_id=early, status="accepted")])
    assert device.get(early).state == "needs_info"


def test_settings_and_device_info(device, tmp_path):
    assert device.settings().server_url is None
    changed = device.update_settings(
        server_url="https://verify.example.org", language="ar", auto_lock_minutes=2
    )
    assert (changed.server_url, changed.language, changed.auto_lock_minutes) == (
        "https://verify.example.org",
        "ar",
        2,
    )
    settings_file = (tmp_path / "settings.json").read_text()
    assert "verify.example.org" not in settings_file and '"ar"' in settings_file
    info = device.device_info()
    assert len(info.device_id) == 32 and len(info.fingerprint.replace(" ", "")) == 64


def test_lock_drops_the_keys(device, tmp_path):
    record_id = device.record(observation())
    device.lock()
    for call in (lambda: device.get(record_id), device.counts, lambda: device.record(observation())):
        with pytest.raises(Locked):
            call()
    with unlock_device(tmp_path, "pw", kdf=FAST) as again:
        assert again.get(record_id).id == record_id


def test_schema_version_is_recorded_and_a_newer_one_refused(device, tmp_path):
    device.lock()
    path = database_path(tmp_path)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(DatabaseTooNew):
        open_database(tmp_path, unlock_vault(tmp_path, "pw", kdf=FAST))


def one_hash(view):
    return sha256_hex(view.body)


def signed_of(view):
    return SignedRecord(view.body, b64decode(view.signature))
