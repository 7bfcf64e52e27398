"""Timestamps as the store writes them: UTC, fixed width, so text order is time order."""

from datetime import UTC, datetime


def stamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and a Z, e.g. 2025-05-01T12:00:00.000000Z."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
