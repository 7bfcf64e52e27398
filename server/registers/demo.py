"""What `fieldapp demo` puts in the mission layer: the sample register (sample.py), a month of
the demo device's reports naming its entries, and a verifier's decisions on most of them, so
the tracker moves (units back to camps beside foreign fighters leaving) and the flags show."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .. import review
from ..clock import Clock, utc_now
from ..context import opened
from ..settings import Settings

Decision = tuple[str, str | None]  # state, reason


def _ref(entry_id: str, name: str) -> dict[str, str]:
    return {"id": entry_id, "name": name}


def _observation(day: date, kind: str, lat: float, lon: float, place: str, text: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": kind,
        "observed_at": datetime.combine(day, time(9, 30), tzinfo=UTC).isoformat(),
        "location": {"lat": lat, "lon": lon, "accuracy_m": 15, "source": "gps"},
        "place": place,
        "observed_by": "saw",
        "certainty": "confirmed",
        "description": text,
        "details": details,
    }


def demo_observations(today: date) -> list[tuple[dict[str, Any], Decision | None]]:
    """The demo device's reports (Record format, input form) and what the verifier decides."""
    d = lambda days: today - timedelta(days=days)  # noqa: E731 - a short date helper
    w1, e7 = _ref("unit-w1", "West 1st Brigade"), _ref("unit-e7", "East 7th Brigade")
    return [
        (_observation(d(24), "withdrawal", 32.33, 15.07, "Misrata", "West 1st Brigade back in its camp",
                      {"unit": w1, "camp": _ref("camp-misrata", "Misrata air college camp"), "completeness": "full"}),
         ("verified", None)),
        (_observation(d(20), "foreign_fighters", 32.89, 13.28, "Mitiga airport", "Two charter flights left",
                      {"activity": "departure", "estimated_number": 120, "means": "air",
                       "crossing_point": _ref("mitiga", "Mitiga airport")}), ("verified", None)),
        (_observation(d(15), "withdrawal", 31.06, 16.76, "Sirte", "Part of the brigade moved into the base",
                      {"unit": e7, "camp": _ref("camp-ghardabiya", "Ghardabiya air base, Sirte"),
                       "completeness": "partial"}), ("verified", None)),
        (_observation(d(12), "foreign_fighters", 33.16, 11.57, "Ras Jdir", "Buses crossed into Tunisia",
                      {"activity": "departure", "estimated_number": 60, "means": "land",
                       "crossing_point": _ref("ras-jdir", "Ras Jdir border crossing")}), ("verified", None)),
        (_observation(d(8), "unit_movement", 30.70, 16.50, "south of Sirte", "Column of technicals heading east",
                      {"unit": w1, "personnel": 40, "vehicles": {"technical": 8}, "heading": "E"}), None),
        (_observation(d(5), "heavy_weapons", 31.10, 16.60, "Sirte", "Four tanks in the open",
                      {"system": "T-72 tank", "count": 4, "firing_position": False}), None),
        (_observation(d(3), "heavy_weapons", 29.21, 16.02, "Jufra", "Tanks parked inside the store",
                      {"system": "tank", "count": 6, "storage_site": _ref("site-jufra", "Jufra heavy weapons store")}),
         ("verified", None)),
        (_observation(d(2), "withdrawal", 32.80, 13.23, "Tripoli", "Second-hand account of a return",
                      {"unit": _ref("unit-w2", "West 2nd Brigade"), "completeness": "full"}),
         ("rejected", "Second-hand account; no team saw it")),
    ]


def seed_registers(settings: Settings, *, today: date, clock: Clock = utc_now) -> int:
    """The sample register, the agreement signed a month before `today`."""
    from .admin import seed_sample

    return seed_sample(settings, signed_on=today - timedelta(days=30), clock=clock)


def decide(settings: Settings, decisions: list[tuple[str, Decision]], *, actor: str, clock: Clock = utc_now) -> None:
    """The verifier's decisions on the demo device's reports (by record id)."""
    with opened(settings, clock=clock) as ctx:
        for record_id, (state, reason) in decisions:
            with ctx.transaction() as session:
                review.decide(session, settings, record_id, state=state, reason=reason, actor=actor, clock=ctx.clock)
