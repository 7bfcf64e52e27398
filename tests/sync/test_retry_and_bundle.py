"""Retry policy arithmetic, Retry-After parsing, and offline bundle files."""

import random
from datetime import UTC, datetime

import pytest

from sync.bundle import read_bundle, write_bundle
from sync.failures import CredentialError, ServerBusyError, Stopped, TransportError
from sync.retry import RetryPolicy, parse_retry_after, with_retries
from tests.sync.fakes import filled_outbox


def test_full_jitter_stays_within_the_exponential_bound_and_the_cap():
    policy = RetryPolicy(base=0.5, cap=10.0)
    rng = random.Random(3)
    for attempt in range(12):
        bound = min(10.0, 0.5 * 2**attempt)
        draws = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0.0 <= d <= bound for d in draws)
        assert max(draws) > bound * 0.8  # really spread over the whole range


def test_retry_after_wins_over_backoff_but_is_bounded():
    policy = RetryPolicy(max_retry_after=30.0)
    rng = random.Random(1)
    assert policy.wait_for(0, ServerBusyError(retry_after=12.0), rng) == 12.0
    assert policy.wait_for(0, ServerBusyError(retry_after=9999.0), rng) == 30.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Thu, 01 Jan 2026 00:01:40 GMT", 100.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(header, seconds):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after(header, now=now) == seconds


def test_with_retries_gives_up_after_the_attempts_and_raises_the_last_error():
    calls = []

    def failing():
        calls.append(1)
        raise TransportError(f"try {len(calls)}")

    sleeps: list[float] = []
    with pytest.raises(TransportError, match="try 3"):
        with_retries(failing, policy=RetryPolicy(attempts=3), sleep=sleeps.append, rng=random.Random(0))
    assert len(calls) == 3 and len(sleeps) == 2


def test_with_retries_does_not_retry_credential_errors():
    calls = []

    def revoked():
        calls.append(1)
        raise CredentialError()

    with pytest.raises(CredentialError):
        with_retries(revoked, policy=RetryPolicy(), sleep=lambda s: None, rng=random.Random(0))
    assert calls == [1]


def test_a_stop_during_the_wait_ends_the_retries():
    def failing():
        raise TransportError()

    def sleep(seconds):
        raise Stopped()

    with pytest.raises(Stopped):
        with_retries(failing, policy=RetryPolicy(), sleep=sleep, rng=random.Random(0))


def test_bundle_holds_every_queued_envelope_and_marks_nothing(tmp_path):
    outbox = filled_outbox(7)
    outbox.reasons[outbox.items[0].record_id] = "rejected earlier"  # not sendable, so not bundled
    target = tmp_path / "out.json"
    count = write_bundle(outbox, target, "ab" * 16)
    assert count == 6
    bundle = read_bundle(target)
    assert bundle.device_id == "ab" * 16
    assert [e.header.record_id for e in bundle.envelopes] == [i.record_id for i in outbox.items[1:]]
    assert bundle.envelopes[0].model_dump() == outbox.items[1].envelope
    assert outbox.mark_calls == 0 and set(outbox.state.values()) == {"queued"}
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left behind


def test_bundle_write_failure_leaves_no_partial_file(tmp_path):
    outbox = filled_outbox(2)
    with pytest.raises(OSError):
        write_bundle(outbox, tmp_path / "missing-dir" / "out.json", "ab" * 16)
    assert list(tmp_path.iterdir()) == []
