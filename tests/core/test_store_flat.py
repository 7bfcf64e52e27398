"""What keeps the device flat with data (issue 12): counts kept as records change, the outbox
read through an index in its own order, delivered envelopes dropped, a listing streamed from
one snapshot. Speed itself is measured in bench/scale.py; these check the answers."""

import json
import random
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from core_fixtures import FAST, StepClock, observation
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from fieldapp.services import STATES, InvalidItem, create_device
from sync.crypto import b64decode, b64encode
from sync.records import SignedRecord, verify_record
from sync.wire import ItemResult, ReviewUpdate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def device(tmp_path):
    dev = create_device(tmp_path, "pw", kdf=FAST, clock=StepClock())
    server = X25519PrivateKey.generate()
    dev.sync_settings.set(server_seal_key=b64encode(server.public_key().public_bytes_raw()))
    yield dev
    if not dev.locked:
        dev.lock()


def brute_force_counts(data_dir) -> dict[str, int]:
    with closing(sqlite3.connect(data_dir / "fieldapp.db")) as db:
        found = dict(db.execute("SELECT state, count(*) FROM observation GROUP BY state"))
    return {state: found.get(state, 0) for state in STATES}


def test_counts_equal_a_brute_force_count_after_mixed_operations(device, tmp_path):
    rng = random.Random(12)
    drafts: list[str] = []
    finalized: list[str] = []
    for step in range(300):
        action = rng.choice(
            ["draft", "draft", "edit", "delete", "finalize", "batch", "result", "review", "bad"]
        )
        if action == "draft":
            drafts.append(device.record(observation(description=f"d{step}")))
        elif action == "edit" and drafts:
            device.save_draft(observation(description=f"e{step}"), record_id=rng.choice(drafts))
        elif action == "delete" and drafts:
            device.delete_draft(drafts.pop(rng.randrange(len(drafts))))
        elif action == "finalize" and drafts:
            record_id = drafts.pop(rng.randrange(len(drafts)))
            device.finalize(record_id)
            finalized.append(record_id)
        elif action == "batch":
            items = [observation(description=f"b{step}.{i}") for i in range(rng.randint(1, 5))]
            finalized += device.record_many(items, finalize=rng.random() < 0.7)
        elif action == "result" and finalized:
            chosen = rng.sample(finalized, min(len(finalized), rng.randint(1, 6)))
            device.outbox.mark_results(
                [
                    ItemResult(
                        record_id=r, status=rng.choice(["accepted", "duplicate", "rejected"]), reason="no"
                    )
                    for r in chosen
                ]
            )
        elif action == "review" and finalized:
            chosen = rng.sample(finalized, min(len(finalized), rng.randint(1, 4)))
            updates = [
                ReviewUpdate(
                    cursor=step * 10 + i,
                    record_id=r,
                    state=rng.choice(["received", "verified", "needs_info", "rejected"]),
                    message=None,
                    changed_at="2025-05-02T09:00:00Z",
                )
                for i, r in enumerate(chosen)
            ]
            device.outbox.apply_updates(updates, cursor=step * 10 + 9)
        elif action == "bad":  # all-or-nothing: the second item is invalid, so nothing is stored
            with pytest.raises(InvalidItem):
                device.record_many([observation(), observation(certainty="surely")], finalize=True)
        if step % 25 == 0:
            assert device.counts() == brute_force_counts(tmp_path), step
    assert device.counts() == brute_force_counts(tmp_path)
    assert sum(device.counts().values()) > 100


def test_delivered_envelopes_are_cleared_and_the_signed_body_stays(device, tmp_path):
    ids = device.record_many([observation(description=f"n{i}") for i in range(4)], finalize=True)
    device.outbox.mark_results(
        [
            ItemResult(record_id=ids[0], status="accepted"),
            ItemResult(record_id=ids[1], status="duplicate"),
            ItemResult(record_id=ids[2], status="rejected", reason="conflict"),
        ]
    )
    with closing(sqlite3.connect(tmp_path / "fieldapp.db")) as db:
        envelopes = dict(db.execute("SELECT id, envelope FROM observation"))
    assert envelopes[ids[0]] is None and envelopes[ids[1]] is None
    assert envelopes[ids[2]] is not None and envelopes[ids[3]] is not None  # still to deliver
    public_key = b64decode(device.device_info().public_key)
    for record_id in ids[:2]:
        view = device.get(record_id)
        assert view.state == "sent"
        signed = SignedRecord(body=view.body, signature=b64decode(view.signature))
        assert verify_record(signed, public_key)["id"] == record_id


def test_the_outbox_reads_an_index_in_its_own_order(device, tmp_path):
    device.record_many([observation(description=f"n{i}") for i in range(30)], finalize=True)
    first = device.outbox.queued(after=None, limit=10)
    rest = device.outbox.queued(after=first[-1].record_id, limit=100)
    seqs = [device.get(item.record_id).seq for item in first + rest]
    assert seqs == list(range(1, 31))
    # the statement the outbox runs, as SQLite plans it: an index, and no sort of its own
    statements = []
    engine = device._engine
    from sqlalchemy import event

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM observation" in statement and "ORDER BY" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    device.outbox.queued(after=first[-1].record_id, limit=10)
    event.remove(engine, "before_cursor_execute", remember)
    assert statements
    with closing(sqlite3.connect(tmp_path / "fieldapp.db")) as db:
        for statement, parameters in statements:
            plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert "ix_observation_sendable" in plan, plan
            assert "TEMP B-TREE" not in plan, plan


def test_a_listing_is_one_snapshot_every_record_once(device):
    """Drafts finalized and records added while a listing is read change nothing in it."""
    drafts = device.record_many([observation(description=f"d{i}") for i in range(700)])
    finals = device.record_many([observation(description=f"f{i}") for i in range(700)], finalize=True)
    before = set(drafts) | set(finals)
    listing = device.iter_records()
    seen = [next(listing).id for _ in range(600)]
    for record_id in drafts[:200]:  # the oldest drafts: not listed yet
        device.finalize(record_id)
    device.record_many([observation(description="late")] * 3)
    seen += [view.id for view in listing]
    assert len(seen) == len(set(seen)) == len(before)
    assert set(seen) == before


def test_list_json_streams_every_record_once_as_valid_json(tmp_path):
    data_dir = tmp_path / "dev"
    with create_device(data_dir, "pw", kdf=FAST) as dev:
        ids = dev.record_many([observation(description=f"n{i} \u2013 \u0634") for i in range(1100)])
        ids += dev.record_many([observation(description=f"f{i}") for i in range(150)], finalize=True)
    env = {"FIELDAPP_DATA_DIR": str(data_dir), "FIELDAPP_PASSPHRASE": "pw", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "fieldapp", "list", "--json"],
        capture_output=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout.decode("utf-8"))
    assert [record["id"] for record in records] == list(reversed(ids))
    assert records[-1]["description"] == "n0 \u2013 \u0634" and records[0]["seq"] == 150
    empty = subprocess.run(
        [sys.executable, "-m", "fieldapp", "list", "--json", "--state", "rejected"],
        capture_output=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=60,
        text=True,
    )
    assert empty.returncode == 0 and json.loads(empty.stdout) == []
