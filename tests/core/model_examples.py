"""Valid example records for the model tests (one full example per kind)."""

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from fieldapp.model import FieldError, InvalidObservation, parse_observation

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
RECORD_ID = "0b7e7a53-1f0c-4f6e-9a43-2d1f5b1c9e10"
OTHER_ID = "7d3c2f1e-5b4a-4c3d-8e2f-1a0b9c8d7e6f"
SHA = "a" * 64

FULL_DETAILS: dict[str, dict[str, Any]] = {
    "unit_movement": {
        "unit": "166th Brigade",
        "personnel": 120,
        "vehicles": {"technical": 12, "apc": 3, "tank": 0, "artillery": 2, "mlrs": 1, "truck": 8},
        "heading": "WNW",
        "from_place": "Sirte",
        "to_place": "Abu Qurain",
        "destination_camp": "Camp 7",
    },
    # Picked from the registers (id + the name shown), or typed where the register lacks it.
    "withdrawal": {
        "unit": {"id": "unit-e7", "name": "East 7th Brigade"},
        "camp": {"id": "camp-ghardabiya", "name": "قاعدة القرضابية سرت"},
        "completeness": "partial",
    },
    "foreign_fighters": {
        "activity": "departure",
        "estimated_number": 300,
        "nationality": "unknown",
        "means": "air",
        "crossing_point": "Al Jufra air base",
    },
    "violation": {
        "type": "shelling",
        "count": 14,
        "direction": "SSE",
        "range_band": "3-5km",
        "weapon": "122 mm rocket",
        "casualties": {"killed": 0, "injured": 2},
        "damage": "Two houses hit at the eastern edge of the town.",
    },
    "heavy_weapons": {
        "system": "BM-21 Grad",
        "calibre_mm": 122.0,
        "count": 4,
        "firing_position": True,
        "relation": "beyond_withdrawal_line",
        "storage_site": None,
    },
    "movement_restriction": {
        "restriction": "denial",
        "by_whom": "Checkpoint guards",
        "reason_given": "No orders",
    },
    "other": {},
}


def record(kind: str = "violation", **changes: Any) -> dict[str, Any]:
    """A valid record of `kind`, with top-level keys replaced by `changes`."""
    data: dict[str, Any] = {
        "id": RECORD_ID,
        "kind": kind,
        "observed_at": "2024-05-01T13:30:00+02:00",
        "location": {"lat": 31.2, "lon": 16.59, "accuracy_m": 8.0, "source": "gps"},
        "place": "Sirte",
        "observed_by": "saw",
        "certainty": "probable",
        "description": "Seen from the ridge east of the town.",
        "controlling_side": None,
        "amends": None,
        "details": copy.deepcopy(FULL_DETAILS[kind]),
        "attachments": [{"sha256": SHA, "name": "IMG_0001.jpg", "size": 123456, "mime": "image/jpeg"}],
    }
    data.update(changes)
    return data


def errors_of(data: Any, **kwargs: Any) -> list[FieldError]:
    """The field errors parsing `data` raises (it must raise)."""
    with pytest.raises(InvalidObservation) as caught:
        parse_observation(data, now=kwargs.pop("now", NOW), **kwargs)
    return caught.value.errors
