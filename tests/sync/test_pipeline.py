"""The push pipeline's two helpers: batches prepared ahead, results stored one behind."""

import threading

import pytest

from sync.batching import Batcher, BatchSource
from sync.pipeline import StoreBehind
from tests.sync.fakes import filled_outbox


def _threads(prefix: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(prefix)]


@pytest.mark.parametrize("threaded", [False, True])
def test_batches_come_in_send_order_whether_prepared_ahead_or_not(threaded):
    outbox = filled_outbox(25)
    source = BatchSource(outbox, Batcher(max_items=4), threaded=threaded)
    try:
        ids = [record_id for batch in source for record_id in batch.record_ids]
    finally:
        source.close()
    assert ids == [item.record_id for item in outbox.items]
    assert _threads("fieldapp-sync-batches") == []


def test_a_producer_error_reaches_the_consumer_and_close_ends_the_thread():
    outbox = filled_outbox(12)
    calls = []
    real = outbox.queued

    def queued(**kwargs):
        calls.append(kwargs)
        if len(calls) > 1:
            raise OSError("disk gone")
        return real(**kwargs)

    outbox.queued = queued
    source = BatchSource(outbox, Batcher(max_items=100), threaded=True)
    source._page_size = 5  # so a second page is read after the first batch
    seen = []
    with pytest.raises(OSError, match="disk gone"):
        for batch in source:
            seen.append(batch)
    source.close()
    assert len(seen) == 1 and _threads("fieldapp-sync-batches") == []


def test_close_before_the_end_stops_preparing():
    source = BatchSource(filled_outbox(40), Batcher(max_items=2), threaded=True, ahead=2)
    first = next(iter(source))
    source.close()
    assert len(first.items) == 2 and _threads("fieldapp-sync-batches") == []


@pytest.mark.parametrize("threaded", [False, True])
def test_jobs_run_in_order_and_a_failure_stops_the_later_ones(threaded):
    done: list[int] = []
    worker = StoreBehind(threaded=threaded)

    def fail() -> None:
        raise ValueError("store failed")

    worker.submit(lambda: done.append(1))
    worker.submit(lambda: done.append(2))
    with pytest.raises(ValueError, match="store failed"):
        worker.submit(fail)  # inline: raised here; on the thread: at the next submit
        worker.submit(lambda: done.append(4))
        worker.drain()
    worker.drain()
    assert done == [1, 2]
    assert _threads("fieldapp-sync-store") == []
