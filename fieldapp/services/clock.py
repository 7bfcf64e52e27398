"""The default clock; every use case takes `clock` as a parameter so tests can fix time."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
