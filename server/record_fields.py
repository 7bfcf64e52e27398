"""The few fields the server reads from a signed record body, checked defensively.

The body's signature is already verified; its content still comes from a device and may be
malformed. Anything wrong raises MalformedRecord with a short reason (the item is rejected),
never an exception that would become a 500.
"""

import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.wire import KINDS

from .clock import as_utc
from .errors import InvalidInput


class MalformedRecord(InvalidInput):
    """The signed record is malformed."""


@dataclass(frozen=True)
class ReportFields:
    """What the queue filters and sorts on, taken from the body."""

    kind: str
    observed_at: datetime
    recorded_at: datetime | None
    lat: float
    lon: float
    amends: str | None
    prev_hash: str | None


def read_report_fields(content: dict[str, Any]) -> ReportFields:
    kind = content.get("kind")
    if kind not in KINDS:
        raise MalformedRecord("malformed record: unknown kind")
    location = content.get("location")
    if not isinstance(location, dict):
        raise MalformedRecord("malformed record: location missing")
    lat, lon = _number(location.get("lat"), "lat", 90), _number(location.get("lon"), "lon", 180)
    recorded_at = content.get("recorded_at")
    prev_hash = content.get("prev_hash")
    if prev_hash is not None and not (isinstance(prev_hash, str) and len(prev_hash) == 64):
        raise MalformedRecord("malformed record: prev_hash")
    return ReportFields(
        kind=kind,
        observed_at=_timestamp(content.get("observed_at"), "observed_at"),
        recorded_at=None if recorded_at is None else _timestamp(recorded_at, "recorded_at"),
        lat=lat,
        lon=lon,
        amends=_uuid_or_none(content.get("amends")),
        prev_hash=prev_hash,
    )


def _number(value: Any, name: str, bound: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedRecord(f"malformed record: location.{name} is not a number")
    value = float(value)
    if not math.isfinite(value) or abs(value) > bound:
        raise MalformedRecord(f"malformed record: location.{name} out of range")
    return value


def _timestamp(value: Any, name: str) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise MalformedRecord(f"malformed record: {name} is not a timestamp")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedRecord(f"malformed record: {name} is not a timestamp") from exc
    if parsed.tzinfo is None:
        raise MalformedRecord(f"malformed record: {name} has no UTC offset")
    if not 1970 <= parsed.year <= 9000:
        raise MalformedRecord(f"malformed record: {name} out of range")
    return as_utc(parsed)


def _uuid_or_none(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) and len(value) == 36 else _bad_amends()
    except ValueError:
        return _bad_amends()


def _bad_amends():
    raise MalformedRecord("malformed record: amends is not a record id")
