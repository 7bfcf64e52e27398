"""What `fieldapp demo` adds for the situation report: two days of the demo device's reports
(the newest report day and the one before it) across both areas of responsibility and every
section — violations by type, a unit movement and a withdrawal, foreign fighters leaving,
heavy weapons beyond the line, restrictions of movement — most verified, one rejected and one
left pending, so the demo's report has several areas, several kinds and a change from the
previous day."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .definition import DEFAULT_TIME_ZONE

Decision = tuple[str, str | None]
VERIFIED: Decision = ("verified", None)
_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)


def _ref(entry_id: str, name: str) -> dict[str, str]:
    return {"id": entry_id, "name": name}


def _at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), _ZONE).isoformat()


def _record(
    when: str, kind: str, lat: float, lon: float, place: str, text: str, details: dict[str, Any]
) -> dict[str, Any]:
    return {
        "kind": kind,
        "observed_at": when,
        "location": {"lat": lat, "lon": lon, "accuracy_m": 20, "source": "gps"},
        "place": place,
        "observed_by": "heard" if kind == "violation" else "saw",
        "certainty": "confirmed",
        "description": text,
        "details": details,
    }


def sitrep_observations(day: date) -> list[tuple[dict[str, Any], Decision | None]]:
    """Reports for report day `day` (before its 19:30 cut-off) and the day before."""
    before = day - timedelta(days=1)
    east, west = (31.30, 16.90, "Sirte"), (32.20, 15.10, "Misrata")
    fired = lambda d, h, where, kind, count, text: (  # noqa: E731 - one line per violation
        _record(_at(d, h), "violation", where[0], where[1], where[2], text, {"type": kind, "count": count}),
        VERIFIED,
    )
    return [
        fired(before, 9, east, "shelling", 4, "Four impacts of artillery to the south-east"),
        fired(before, 13, west, "small_arms", 20, "Bursts of small-arms fire near the checkpoint"),
        fired(before, 16, east, "explosion", 2, "Two explosions heard from the base"),
        fired(day, 8, east, "shelling", 9, "Nine rounds of artillery fire, impacts to the north-east"),
        fired(day, 10, east, "projectile", 3, "Three projectiles in flight, west to east"),
        fired(day, 11, west, "small_arms", 35, "Sustained small-arms fire"),
        fired(day, 14, west, "heavy_machine_gun", 6, "Heavy machine-gun bursts"),
        fired(day, 15, east, "drone", 1, "A drone over the demilitarised area"),
        (
            _record(
                _at(day, 12),
                "violation",
                31.35,
                16.95,
                "Sirte",
                "Reported by a resident, not seen by a team",
                {"type": "airstrike", "count": 1},
            ),
            None,
        ),  # still to verify: counted only when asked
        (
            _record(
                _at(day, 9, 30),
                "unit_movement",
                30.95,
                16.10,
                "south of Sirte",
                "Column moving east past the line",
                {
                    "unit": _ref("unit-w1", "West 1st Brigade"),
                    "personnel": 60,
                    "vehicles": {"technical": 10, "truck": 4},
                    "heading": "E",
                },
            ),
            VERIFIED,
        ),
        (
            _record(
                _at(day, 11, 40),
                "withdrawal",
                32.33,
                15.07,
                "Misrata",
                "Battalion back in its camp",
                {
                    "unit": _ref("unit-w1", "West 1st Brigade"),
                    "camp": _ref("camp-misrata", "Misrata air college camp"),
                    "completeness": "partial",
                },
            ),
            VERIFIED,
        ),
        (
            _record(
                _at(day, 7, 15),
                "foreign_fighters",
                32.89,
                13.28,
                "Mitiga airport",
                "A charter flight left with fighters",
                {
                    "activity": "departure",
                    "estimated_number": 85,
                    "means": "air",
                    "nationality": "various",
                    "crossing_point": _ref("mitiga", "Mitiga airport"),
                },
            ),
            VERIFIED,
        ),
        (
            _record(
                _at(day, 16, 20),
                "foreign_fighters",
                29.20,
                16.00,
                "Jufra",
                "Fighters seen at the base",
                {"activity": "presence", "estimated_number": 30},
            ),
            VERIFIED,
        ),
        (
            _record(
                _at(day, 13, 10),
                "heavy_weapons",
                31.00,
                16.80,
                "Sirte",
                "Three tanks in the open",
                {
                    "system": "T-72 tank",
                    "count": 3,
                    "firing_position": False,
                    "relation": "beyond_withdrawal_line",
                },
            ),
            VERIFIED,
        ),
        (
            _record(
                _at(day, 10, 45),
                "movement_restriction",
                31.10,
                16.40,
                "west of Sirte",
                "The patrol was stopped and turned back",
                {
                    "restriction": "denial",
                    "by_whom": "armed men at a checkpoint",
                    "reason_given": "no permission from the commander",
                },
            ),
            VERIFIED,
        ),
        (
            _record(
                _at(before, 14, 5),
                "movement_restriction",
                32.25,
                15.05,
                "Misrata",
                "Held for two hours",
                {"restriction": "delay", "by_whom": "checkpoint staff", "reason_given": "papers checked"},
            ),
            VERIFIED,
        ),
        (
            _record(
                _at(day, 17, 0),
                "violation",
                32.80,
                13.23,
                "Tripoli",
                "Fireworks taken for gunfire",
                {"type": "small_arms", "count": 5},
            ),
            ("rejected", "Fireworks at a wedding, not gunfire"),
        ),
    ]


def demo_day(now: datetime) -> date:
    """The demo's report day: the newest whose cut-off has passed (its reports are all in the past)."""
    from .definition import latest_day

    return latest_day(now)
