"""One contract for the `sync.outbox.Outbox` protocol, run against both implementations:
the device's `SqlOutbox` (a real encrypted SQLite store) and the engine tests' `MemoryOutbox`.

A fake that drifts from the real store would let the engine's unit tests pass against
behaviour the app does not have; this suite keeps them the same.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.crypto import b64encode
from sync.outbox import Outbox
from sync.wire import ItemResult, ReviewUpdate
from tests.sync.fakes import filled_outbox
from tests.sync.live import new_device

COUNT = 7
CHANGED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@dataclass
class Subject:
    outbox: Outbox
    state_of: Callable[[str], str]  # the record's state as the device keeps it
    order: list[str]  # record ids in send (sequence) order


@pytest.fixture(params=["sql", "memory"])
def subject(request, tmp_path) -> Iterator[Subject]:
    if request.param == "memory":
        memory = filled_outbox(COUNT)
        yield Subject(memory, lambda rid: memory.state[rid], [i.record_id for i in memory.items])
        return
    device = new_device(tmp_path / "dev", queued=COUNT)
    seal_key = X25519PrivateKey.generate().public_key().public_bytes_raw()
    device.sync_settings.set(server_seal_key=b64encode(seal_key))
    assert device.seal_queued() == COUNT
    order = [view.id for view in sorted(device.list_page(["queued"], limit=50).items, key=lambda v: v.seq)]
    yield Subject(device.outbox, lambda rid: device.get(rid).state, order)
    device.lock()


def _ids(items) -> list[str]:
    return [item.record_id for item in items]


def test_queued_records_page_in_send_order(subject):
    outbox = subject.outbox
    assert outbox.count_queued() == COUNT
    first = outbox.queued(after=None, limit=3)
    second = outbox.queued(after=first[-1].record_id, limit=3)
    rest = outbox.queued(after=second[-1].record_id, limit=100)
    assert _ids(first + second + rest) == subject.order
    for item in first:
        assert item.envelope["header"]["record_id"] == item.record_id
        assert set(item.envelope) == {"header", "sealed"} and item.size > 0


def test_delivered_records_leave_the_queue_and_refused_ones_stay_unsent(subject):
    outbox = subject.outbox
    accepted, duplicate, refused, *rest = subject.order
    outbox.mark_results(
        [
            ItemResult(record_id=accepted, status="accepted"),
            ItemResult(record_id=duplicate, status="duplicate"),
            ItemResult(record_id=refused, status="rejected", reason="bad signature"),
        ]
    )
    assert _ids(outbox.queued(after=None, limit=100)) == rest
    assert outbox.count_queued() == len(rest)
    assert subject.state_of(accepted) == subject.state_of(duplicate) == "sent"
    assert subject.state_of(refused) == "queued"  # kept with its reason, not resent blindly


def test_marking_the_same_results_again_changes_nothing(subject):
    outbox = subject.outbox
    results = [ItemResult(record_id=rid, status="accepted") for rid in subject.order[:2]]
    outbox.mark_results(results)
    outbox.mark_results(results)
    assert outbox.count_queued() == COUNT - 2
    assert [subject.state_of(rid) for rid in subject.order[:2]] == ["sent", "sent"]


def test_review_updates_apply_states_and_move_the_cursor(subject):
    outbox = subject.outbox
    assert outbox.update_cursor() == 0
    first, second = subject.order[:2]
    outbox.mark_results([ItemResult(record_id=first, status="accepted")])
    outbox.apply_updates(
        [
            ReviewUpdate(cursor=4, record_id=first, state="received", changed_at=CHANGED_AT),
            ReviewUpdate(
                cursor=5, record_id=first, state="needs_info", message="where?", changed_at=CHANGED_AT
            ),
        ],
        5,
    )
    assert outbox.update_cursor() == 5
    assert subject.state_of(first) == "needs_info"  # the last update wins
    outbox.apply_updates([], 9)  # an empty page still moves the cursor
    assert outbox.update_cursor() == 9
    assert subject.state_of(second) == "queued"
