"""Reports for the situation report tests, stored as ingest stores them (no crypto: the sitrep
reads the columns and the body), with what a brute-force count needs kept beside each."""

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from server.models import Device, Report, table_of
from sync.canonical import canonical_bytes, sha256_hex
from sync.sitrep_format import VIOLATION_TYPES

TRIPOLI = ZoneInfo("Africa/Tripoli")
DEVICE = "d" * 32
KINDS = (
    "violation",
    "unit_movement",
    "withdrawal",
    "foreign_fighters",
    "heavy_weapons",
    "movement_restriction",
    "other",
)
STATES = ("verified", "verified", "verified", "received", "needs_info", "rejected", "unverifiable")
# The sample register's areas of responsibility (server/registers/sample.py), as plain boxes:
# (west, south, east, north); overlapping reports belong to the first by id (aor-east).
AREA_BOXES = {"aor-east": (15.8, 27.5, 25.0, 33.0), "aor-west": (11.5, 29.5, 16.0, 33.3)}


@dataclass
class Seeded:
    record_id: str
    kind: str
    state: str
    observed_at: datetime
    lat: float
    lon: float
    details: dict[str, Any]
    body_hash: str = ""
    amends: str | None = None

    def area(self) -> str:
        for area, (west, south, east, north) in sorted(AREA_BOXES.items()):
            if west <= self.lon <= east and south <= self.lat <= north:
                return area
        return ""

    def report_day(self) -> date:
        """The day whose 19:30 report holds it (brute force: local clock time against 19:30)."""
        local = self.observed_at.astimezone(TRIPOLI)
        return local.date() if local.time() < time(19, 30) else local.date() + timedelta(days=1)

    def events(self) -> int:
        count = self.details.get("count")
        return count if isinstance(count, int) and count >= 1 else 1


def body(item: Seeded, description: str = "") -> bytes:
    record = {
        "id": item.record_id,
        "kind": item.kind,
        "observed_at": item.observed_at.astimezone(TRIPOLI).isoformat(),
        "location": {"lat": item.lat, "lon": item.lon, "accuracy_m": 10, "source": "gps"},
        "place": None,
        "observed_by": "saw",
        "certainty": "probable",
        "description": description or f"{item.kind} seen by the team",
        "controlling_side": None,
        "amends": item.amends,
        "details": item.details,
    }
    return canonical_bytes(record)


def store(engine: sa.Engine, items: list[Seeded]) -> None:
    with engine.begin() as connection:
        if not connection.execute(
            sa.select(table_of(Device).c.id).where(table_of(Device).c.id == DEVICE)
        ).first():
            connection.execute(
                sa.insert(table_of(Device)).values(
                    id=DEVICE,
                    public_key="A" * 43 + "=",
                    label="sitrep test",
                    enrolled_at=datetime(2026, 1, 1, tzinfo=UTC),
                    last_seq=0,
                    credential_hash="e" * 64,
                )
            )
        seq = connection.execute(sa.select(sa.func.count()).select_from(table_of(Report))).scalar_one()
        rows = []
        for item in items:
            seq += 1
            data = body(item)
            item.body_hash = sha256_hex(data)
            rows.append(
                {
                    "record_id": item.record_id,
                    "device_id": DEVICE,
                    "seq": seq,
                    "body": data,
                    "body_hash": item.body_hash,
                    "signature": b"\0" * 64,
                    "prev_hash": None,
                    "kind": item.kind,
                    "observed_at": item.observed_at,
                    "recorded_at": item.observed_at,
                    "lat": item.lat,
                    "lon": item.lon,
                    "received_at": item.observed_at + timedelta(minutes=3),
                    "state": item.state,
                    "chain_status": "ok",
                    "amends": item.amends,
                    "amends_invalid": False,
                }
            )
        connection.execute(sa.insert(table_of(Report)), rows)


def details_for(rng: random.Random, kind: str) -> dict[str, Any]:
    if kind == "violation":
        found: dict[str, Any] = {"type": rng.choice(VIOLATION_TYPES)}
        if rng.random() < 0.8:
            found["count"] = rng.randrange(0, 12)
        return found
    if kind == "foreign_fighters":
        return {
            "activity": rng.choice(("presence", "departure")),
            "estimated_number": rng.randrange(1, 90),
            "crossing_point": {"id": "mitiga", "name": "Mitiga airport"},
        }
    if kind == "movement_restriction":
        return {"restriction": "denial", "by_whom": "checkpoint guards", "reason_given": "no permission"}
    if kind == "heavy_weapons":
        return {"system": "T-72 tank", "count": rng.randrange(1, 6)}
    if kind in ("unit_movement", "withdrawal"):
        return {"unit": {"id": "unit-w1", "name": "West 1st Brigade"}, "personnel": rng.randrange(1, 80)}
    return {}


def random_reports(seed: int, *, first_day: date, days: int, count: int) -> list[Seeded]:
    rng = random.Random(seed)
    items = []
    start = datetime.combine(first_day, time(0, 0), TRIPOLI)
    for _ in range(count):
        kind = rng.choice(KINDS)
        items.append(
            Seeded(
                record_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                kind=kind,
                state=rng.choice(STATES),
                observed_at=(start + timedelta(seconds=rng.randrange(days * 86400))).astimezone(UTC),
                lat=round(rng.uniform(27.0, 34.0), 5),
                lon=round(rng.uniform(10.0, 26.0), 5),
                details=details_for(rng, kind),
            )
        )
    return items


def at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), TRIPOLI).astimezone(UTC)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
