"""Unit tests of the push/pull engine against an in-memory outbox and httpx.MockTransport."""

import gzip
import json
import random

import httpx
import pytest

from sync.engine import SyncEngine, SyncOptions
from sync.retry import RetryPolicy
from sync.transport import SyncClient
from tests.sync.fakes import FakeServer, MemoryOutbox, filled_outbox, review_update


def make_engine(outbox: MemoryOutbox, server: FakeServer, *, sleeps: list[float] | None = None, **options):
    options.setdefault("retry", RetryPolicy(attempts=4, base=0.5, cap=8.0, max_retry_after=60.0))
    client = SyncClient(
        httpx.Client(transport=server.transport()), base_url="http://server", credential="cred"
    )
    sleeps = sleeps if sleeps is not None else []
    return SyncEngine(
        outbox,
        client,
        server_sign_key=server.public_sign_key,
        options=SyncOptions(**options),
        sleep=sleeps.append,
        rng=random.Random(7),
    )


def submissions(server: FakeServer) -> list[httpx.Request]:
    return [r for r in server.requests if r.url.path == "/api/v1/submissions"]


def test_push_sends_every_record_once_and_marks_them_sent():
    outbox = filled_outbox(25)
    server = FakeServer()
    report = make_engine(outbox, server).run()
    assert report.status == "done", report.error
    assert report.sent == 25 and report.duplicate == 0 and report.rejected == 0
    assert report.still_queued == 0
    assert set(server.stored) == {i.record_id for i in outbox.items}
    assert all(state == "sent" for state in outbox.state.values())
    assert report.bytes_sent > sum(len(b) for b in server.bodies)  # bodies plus request lines and headers


def test_batches_are_bounded_by_compressed_bytes_and_keep_send_order():
    outbox = filled_outbox(60)
    server = FakeServer()
    limit = 12 * 1024
    report = make_engine(outbox, server, max_batch_bytes=limit).run()
    assert report.status == "done"
    assert len(server.bodies) >= 5  # ~60 x 1.5 KB envelopes can't fit in a few 12 KiB batches
    assert all(len(body) <= limit for body in server.bodies)
    sent_order = [
        e["header"]["record_id"]
        for body in server.bodies
        for e in json.loads(gzip.decompress(body))["envelopes"]
    ]
    assert sent_order == [i.record_id for i in outbox.items]
    # mark_results once per batch: one local transaction per answered batch
    assert outbox.mark_calls == len(server.bodies)


def test_batches_are_bounded_by_items():
    outbox = filled_outbox(20)
    server = FakeServer()
    make_engine(outbox, server, max_batch_items=7).run()
    sizes = [len(json.loads(gzip.decompress(b))["envelopes"]) for b in server.bodies]
    assert sizes == [7, 7, 6]


def test_duplicates_count_as_delivered():
    outbox = filled_outbox(5)
    server = FakeServer()
    server.stored[outbox.items[1].record_id] = "x"
    report = make_engine(outbox, server).run()
    assert (report.sent, report.duplicate) == (4, 1)
    assert outbox.state[outbox.items[1].record_id] == "sent"


def test_rejected_items_are_kept_with_their_reason_and_not_resent():
    outbox = filled_outbox(6)
    server = FakeServer()
    bad = outbox.items[2].record_id
    server.reject[bad] = "bad signature"
    first = make_engine(outbox, server).run()
    assert first.status == "done"
    assert (first.sent, first.rejected) == (5, 1)
    assert [(o.record_id, o.reason) for o in first.outcomes if o.outcome == "rejected"] == [
        (bad, "bad signature")
    ]
    assert outbox.state[bad] == "queued" and outbox.reasons[bad] == "bad signature"
    server.requests.clear()
    second = make_engine(outbox, server).run()
    assert second.rejected == 0 and submissions(server) == []  # never retried blindly


def test_bad_receipt_signature_marks_nothing_and_reports_retry_later():
    outbox = filled_outbox(4)
    server = FakeServer(corrupt_receipts=True)
    sleeps: list[float] = []
    report = make_engine(outbox, server, sleeps=sleeps).run()
    assert report.status == "retry_later"
    assert "receipt" in report.error
    assert outbox.mark_calls == 0 and all(s == "queued" for s in outbox.state.values())
    assert report.deferred == 4 and report.still_queued == 4
    assert len(submissions(server)) == 4 and len(sleeps) == 3  # attempts=4: three waits between them


def test_receipt_that_lists_other_records_marks_nothing():
    outbox = filled_outbox(3)
    server = FakeServer()

    def wrong_ids(request):
        results = [
            {"record_id": "00000000-0000-4000-8000-000000000000", "status": "accepted", "reason": None}
        ]
        from sync.canonical import canonical_bytes
        from sync.crypto import b64encode

        sig = b64encode(server.sign_key.sign(canonical_bytes(results)))
        return httpx.Response(200, json={"results": results, "receipt_signature": sig})

    server.script = [None, wrong_ids]  # health answers normally; the first push lies
    report = make_engine(outbox, server).run()
    assert report.status == "done"  # the retry got a proper receipt
    assert outbox.mark_calls == 1
    assert all(s == "sent" for s in outbox.state.values())


def test_503_retry_after_is_honoured_and_bounded():
    outbox = filled_outbox(3)
    server = FakeServer()
    busy = lambda seconds: lambda r: httpx.Response(503, headers={"Retry-After": seconds})  # noqa: E731
    server.script = [None, busy("7"), busy("3600")]
    sleeps: list[float] = []
    report = make_engine(outbox, server, sleeps=sleeps).run()
    assert report.status == "done"
    assert sleeps == [7.0, 60.0]  # 3600 s capped at max_retry_after


def test_429_with_http_date_retry_after():
    outbox = filled_outbox(2)
    server = FakeServer()
    server.script = [
        None,
        lambda r: httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
    ]
    sleeps: list[float] = []
    assert make_engine(outbox, server, sleeps=sleeps).run().status == "done"
    assert sleeps == [0.0]  # a date in the past means "now"


def test_5xx_and_network_errors_back_off_with_full_jitter_under_the_cap():
    outbox = filled_outbox(2)
    server = FakeServer()

    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    def cut(request):
        raise httpx.RemoteProtocolError("peer closed connection", request=request)

    server.script = [None, lambda r: httpx.Response(500), refuse, cut]
    sleeps: list[float] = []
    report = make_engine(
        outbox, server, sleeps=sleeps, retry=RetryPolicy(attempts=5, base=1.0, cap=3.0)
    ).run()
    assert report.status == "done"
    expected_rng = random.Random(7)
    assert sleeps == [expected_rng.uniform(0, bound) for bound in (1.0, 2.0, 3.0)]
    assert all(0 <= s <= 3.0 for s in sleeps)


def test_offline_when_the_probe_cannot_connect():
    outbox = filled_outbox(2)
    server = FakeServer()

    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    server.script = [refuse]
    report = make_engine(outbox, server).run()
    assert report.status == "offline" and report.still_queued == 2
    assert submissions(server) == []


def test_retries_exhausted_leaves_everything_queued_and_lists_it_deferred():
    outbox = filled_outbox(5)
    server = FakeServer()
    server.script = [None] + [lambda r: httpx.Response(502)] * 10
    sleeps: list[float] = []
    report = make_engine(outbox, server, sleeps=sleeps, max_batch_items=2).run()
    assert report.status == "retry_later"
    assert report.deferred == 5 and report.still_queued == 5
    assert {o.record_id for o in report.outcomes} == {i.record_id for i in outbox.items}


def test_failure_after_some_batches_keeps_what_was_answered():
    outbox = filled_outbox(6)
    server = FakeServer()
    server.script = [None, None] + [lambda r: httpx.Response(500)] * 10  # 2nd batch onwards fails
    report = make_engine(outbox, server, max_batch_items=2).run()
    assert report.status == "retry_later"
    assert report.sent == 2 and report.deferred == 4 and report.still_queued == 4


@pytest.mark.parametrize("status", [401, 403])
def test_revoked_credential_stops_with_a_clear_error_and_no_retries(status):
    outbox = filled_outbox(3)
    server = FakeServer()
    server.script = [None, lambda r: httpx.Response(status, json={"detail": "device revoked"})]
    sleeps: list[float] = []
    report = make_engine(outbox, server, sleeps=sleeps).run()
    assert report.status == "failed"
    assert "credential" in report.error and "device revoked" in report.error
    assert sleeps == [] and outbox.mark_calls == 0 and report.still_queued == 3


def test_413_splits_the_batch():
    outbox = filled_outbox(8)
    server = FakeServer()
    server.script = [None, lambda r: httpx.Response(413, json={"detail": "too large"})]
    report = make_engine(outbox, server).run()
    assert report.status == "done" and report.sent == 8
    assert len(submissions(server)) >= 3  # the refused one, then at least two halves


def test_single_record_too_large_is_deferred_and_the_rest_goes():
    outbox = filled_outbox(3)
    server = FakeServer()
    server.script = [None, lambda r: httpx.Response(413)]
    report = make_engine(outbox, server, max_batch_items=1).run()
    assert report.status == "done"
    assert (report.sent, report.deferred) == (2, 1) and report.still_queued == 1


def test_progress_reports_records_and_bytes():
    outbox = filled_outbox(30)
    server = FakeServer()
    events = []
    engine = make_engine(outbox, server, max_batch_items=10)
    engine.on_progress = events.append
    engine.run()
    pushes = [e for e in events if e.phase == "push"]
    assert [e.done for e in pushes] == [0, 10, 20, 30]
    assert all(e.total == 30 for e in pushes)
    assert [e.bytes_sent for e in pushes] == sorted(e.bytes_sent for e in pushes)
    assert pushes[-1].bytes_sent > pushes[0].bytes_sent


@pytest.mark.parametrize("pipeline", [False, True])
def test_stop_request_ends_the_run_at_a_batch_boundary(pipeline):
    outbox = filled_outbox(10)
    server = FakeServer()
    engine = make_engine(outbox, server, max_batch_items=3, pipeline=pipeline)
    engine.stop_requested = lambda: outbox.mark_calls >= 1
    report = engine.run()
    assert report.status == "stopped"
    # Without the pipeline the stop lands right after batch 1; with it, batch 2 may be on the wire.
    assert report.sent == 3 if not pipeline else report.sent in (3, 6)
    assert report.deferred == 10 - report.sent and report.still_queued == 10 - report.sent
    assert outbox.mark_calls == report.sent // 3


def test_a_store_failure_stops_the_run_and_later_answers_are_not_stored():
    outbox = filled_outbox(12)
    server = FakeServer()
    real_mark = outbox.mark_results

    def mark_then_fail(results):
        if outbox.mark_calls >= 1:
            raise RuntimeError("disk full")
        real_mark(results)

    outbox.mark_results = mark_then_fail
    with pytest.raises(RuntimeError, match="disk full"):
        make_engine(outbox, server, max_batch_items=3).run()
    assert outbox.count_queued() == 9  # only batch 1 stored; the server's copies answer duplicate later
    assert len(server.bodies) <= 3


def test_pull_pages_through_updates_and_stores_each_page_with_its_cursor():
    outbox = filled_outbox(3)
    server = FakeServer()
    ids = [i.record_id for i in outbox.items]
    server.updates = [review_update(c, ids[c % 3], "needs_info", f"q{c}") for c in range(1, 8)]
    report = make_engine(outbox, server, updates_page=3).run()
    assert report.status == "done" and report.updates_pulled == 7
    assert outbox.applied == [(3, 3), (3, 6), (1, 7)]
    assert outbox.cursor == 7
    assert outbox.review[ids[1]] == ("needs_info", "q7")
    # the next run starts from the stored cursor and pulls nothing new
    again = make_engine(outbox, server, updates_page=3).run()
    assert again.updates_pulled == 0
    last = [r for r in server.requests if r.url.path.endswith("/updates")][-1]
    assert last.url.params["since"] == "7"


def test_pull_stops_when_the_server_cursor_does_not_advance():
    outbox = filled_outbox(1)
    server = FakeServer()
    stuck = lambda r: httpx.Response(200, json={"updates": [], "cursor": 0, "more": True})  # noqa: E731
    server.script = [None, None, stuck]
    report = make_engine(outbox, server).run()
    assert report.status == "failed" and "cursor" in report.error


def test_unreadable_success_answer_is_retried():
    outbox = filled_outbox(2)
    server = FakeServer()
    server.script = [None, lambda r: httpx.Response(200, content=b'{"results": [')]
    report = make_engine(outbox, server).run()
    assert report.status == "done" and report.sent == 2
