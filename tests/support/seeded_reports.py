"""Many reports stored directly (no crypto): the data the query and export tests and
`bench/scale.py` need in seconds instead of minutes of real ingest.

Rows are what ingest stores for a record of the same shape (a plausible body with a kind's
details, a random 64-byte "signature"); the paths these feed — queue, counts, devices list,
corroboration, exports — read the columns and the body, never the signature. Inserts go
through the `reports` table, so the tallies' triggers run as for real ingest.
"""

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from server.detail_columns import detail_columns
from server.models import Device, Report, table_of

START = datetime(2026, 1, 1, tzinfo=UTC)
KINDS = (
    "unit_movement",
    "withdrawal",
    "heavy_weapons",
    "foreign_fighters",
    "violation",
    "movement_restriction",
    "other",
)
STATES = ("received", "verified", "unverifiable", "rejected", "needs_info")
CHUNK = 2000


@dataclass(frozen=True)
class Area:
    """Where and when the seeded reports fall: a box, `days` from START, and a hotspot."""

    lat: tuple[float, float] = (32.0, 34.0)
    lon: tuple[float, float] = (35.0, 37.0)
    days: int = 90
    hotspot: tuple[float, float] = (33.5, 36.3)
    hotspot_share: float = 0.2  # of the reports, within ~15 km of the hotspot
    hotspot_km: float = 15.0


def device_id(n: int) -> str:
    return f"{n:032x}"


def seed(
    engine: sa.Engine,
    count: int,
    *,
    devices: int = 20,
    area: Area = Area(),
    seed: int = 12,
    states: bool = True,
) -> None:
    """`count` reports from `devices` devices (enrolled rows too); chains in order per device."""
    rng = random.Random(seed)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(table_of(Device)),
            [
                {
                    "id": device_id(n),
                    "public_key": "A" * 43 + "=",
                    "label": f"phone {n}",
                    "enrolled_at": START,
                    "last_seq": 0,
                    "credential_hash": f"{n:064x}",
                }
                for n in range(devices)
            ],
        )
    seqs = [0] * devices
    columns: set[str] = set()
    batch: list[dict[str, Any]] = []
    for index in range(count):
        row = _row(rng, index, devices, seqs, area, states)
        columns |= detail_columns(json.loads(row["body"]))
        batch.append(row)
        if len(batch) == CHUNK:
            _insert(engine, batch)
            batch = []
    if batch:
        _insert(engine, batch)
    with engine.begin() as connection:
        if columns and sa.inspect(connection).has_table("report_detail_columns"):
            connection.execute(
                sa.text("INSERT INTO report_detail_columns (name) VALUES (:name) ON CONFLICT DO NOTHING"),
                [{"name": name} for name in sorted(columns)],
            )
        connection.exec_driver_sql("ANALYZE")


def _insert(engine: sa.Engine, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(table_of(Report)), rows)


def _row(
    rng: random.Random, index: int, devices: int, seqs: list[int], area: Area, states: bool
) -> dict[str, Any]:
    device = rng.randrange(devices)
    seqs[device] += 1
    if rng.random() < area.hotspot_share:
        spread = area.hotspot_km / 111.0
        lat = max(-90.0, min(90.0, area.hotspot[0] + rng.uniform(-spread, spread)))
        lon = (area.hotspot[1] + rng.uniform(-spread, spread) + 180.0) % 360.0 - 180.0
    else:
        lat, lon = rng.uniform(*area.lat), rng.uniform(*area.lon)
    observed = START + timedelta(seconds=rng.randrange(area.days * 86400))
    kind = rng.choice(KINDS)
    record = record_body(rng, kind, observed, lat, lon)
    body = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return {
        "record_id": record["id"],
        "device_id": device_id(device),
        "seq": seqs[device],
        "body": body,
        "body_hash": f"{index:064x}",
        "signature": rng.randbytes(64),
        "prev_hash": None if seqs[device] == 1 else f"{index:063x}f",
        "kind": kind,
        "observed_at": observed,
        "recorded_at": observed + timedelta(minutes=5),
        "lat": lat,
        "lon": lon,
        "received_at": observed + timedelta(minutes=30 + rng.randrange(600)),
        "state": rng.choice(STATES) if states else "received",
        "chain_status": "gap" if rng.random() < 0.01 else "ok",
        "amends": None,
        "amends_invalid": False,
    }


def record_body(rng: random.Random, kind: str, observed: datetime, lat: float, lon: float) -> dict[str, Any]:
    details: dict[str, Any] = {"unit": "3rd brigade", "personnel": rng.randrange(200), "heading": "N"}
    if kind in ("unit_movement", "withdrawal", "heavy_weapons"):
        details["vehicles"] = {"tank": rng.randrange(5), "truck": rng.randrange(9), "apc": 1}
    if kind == "violation":
        details = {
            "type": "shelling",
            "casualties": {"killed": rng.randrange(3), "injured": rng.randrange(5)},
        }
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "kind": kind,
        "observed_at": observed.isoformat(),
        "recorded_at": (observed + timedelta(minutes=5)).isoformat(),
        "location": {"lat": round(lat, 6), "lon": round(lon, 6), "accuracy_m": 10, "source": "gps"},
        "place": "قرية الاختبار" if rng.random() < 0.3 else "Test village",
        "observed_by": "saw",
        "certainty": "probable",
        "description": f'convoy number {rng.randrange(10_000)}, heading "north"\nfrom the ridge',
        "controlling_side": None,
        "amends": None,
        "details": details,
    }


def record_ids(engine: sa.Engine) -> Iterator[str]:
    with engine.connect() as connection:
        yield from connection.execute(sa.text("SELECT record_id FROM reports")).scalars()
