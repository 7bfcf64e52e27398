"""Shared helpers for the core (vault, store, services, CLI) tests."""

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from fieldapp.vault import FAST_KDF_FOR_TESTS

FAST = FAST_KDF_FOR_TESTS
START = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)

VIOLATION: dict[str, Any] = {
    "kind": "violation",
    "observed_at": "2025-05-01T10:00:00+02:00",
    "location": {"lat": 31.2, "lon": 16.6, "accuracy_m": 12, "source": "gps"},
    "place": None,
    "observed_by": "heard",
    "certainty": "probable",
    "description": "Shelling from the south-east.",
    "controlling_side": None,
    "details": {"type": "shelling", "count": 4, "direction": "SE", "range_band": "3-5km"},
}


def observation(**changes: Any) -> dict[str, Any]:
    """A valid violation observation in input form, with some fields changed."""
    data = copy.deepcopy(VIOLATION)
    data.update(changes)
    return data


class StepClock:
    """A clock that moves one millisecond per reading, so every save has its own time."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now
