"""Retry policy: exponential backoff with full jitter, a cap, and Retry-After.

Time and randomness are parameters (a `sleep` function and a `random.Random`),
so tests run fast and deterministically.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from .failures import TransportError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one sync run tries before it reports "retry later".

    `base` and `cap` bound the exponential backoff (seconds); each wait is drawn
    uniformly from [0, min(cap, base * 2**attempt)] ("full jitter", so many
    devices coming back online at once do not hammer the server in step).
    A server's Retry-After is honoured but bounded by `max_retry_after`, so a
    wrong header cannot park a device for a day.
    """

    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    max_retry_after: float = 120.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """The wait before retry number `attempt` (0-based), with full jitter."""
        return rng.uniform(0.0, min(self.cap, self.base * (2.0**attempt)))

    def wait_for(self, attempt: int, error: TransportError, rng: random.Random) -> float:
        """Retry-After when the server gave one (bounded), else the jittered backoff."""
        if error.retry_after is not None:
            return max(0.0, min(error.retry_after, self.max_retry_after))
        return self.backoff(attempt, rng)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def with_retries(
    call: Callable[[], T],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    rng: random.Random,
    on_retry: Callable[[int, float, TransportError], None] | None = None,
) -> T:
    """Run `call`, retrying TransportErrors under `policy`; the last error propagates.

    Only TransportError is retried: credential problems and refusals are not
    something time will fix. `sleep` may raise `sync.failures.Stopped` to end the wait early.
    """
    attempt = 0
    while True:
        try:
            return call()
        except TransportError as error:
            if attempt + 1 >= policy.attempts:
                raise
            delay = policy.wait_for(attempt, error, rng)
            if on_retry is not None:
                on_retry(attempt + 1, delay, error)
            sleep(delay)
            attempt += 1
