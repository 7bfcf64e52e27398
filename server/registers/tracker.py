"""The implementation tracker: each obligation's status, computed from verified reports only.

Statuses (docs/registers.md, "Tracker"): `not_started` (no verified evidence), `in_progress`
(some), `reported_complete` (one device's verified report says it is done), `verified_complete`
(verified reports from two or more devices say so), `overdue` (past the deadline and not
complete). A report in any other state (received, rejected, ...) moves nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sync.geo import distance_km
from .geometry import point_in_area
from sync.registers import RegisterEntry

from .evidence import ReportFacts
from .obligations import Obligation

DEFAULT_CAMP_RADIUS_M = 2000.0
DEFAULT_SITE_RADIUS_M = 1000.0
TRACKED_KINDS = ("withdrawal", "unit_movement", "foreign_fighters", "heavy_weapons")
COMPLETE = ("reported_complete", "verified_complete")


@dataclass
class ObligationStatus:
    obligation: Obligation
    status: str
    evidence: list[str] = field(default_factory=list)  # record ids, oldest first
    completed_on: date | None = None  # the day the first report of completion was observed
    progress: str = ""  # e.g. "120 of 300 departed"

    def public(self) -> dict[str, Any]:
        return {
            "obligation": self.obligation.model_dump(mode="json"),
            "status": self.status,
            "evidence": self.evidence,
            "completed_on": self.completed_on.isoformat() if self.completed_on else None,
            "progress": self.progress,
        }


@dataclass(frozen=True)
class Registers:
    """The registers the tracker needs, by id."""

    units: dict[str, RegisterEntry]
    camps: dict[str, RegisterEntry]
    crossings: dict[str, RegisterEntry]
    storage_sites: dict[str, RegisterEntry]
    lines_and_areas: dict[str, RegisterEntry]


def _near(report: ReportFacts, entry: RegisterEntry | None, default_m: float) -> bool:
    if entry is None or entry.point is None:
        return False
    return distance_km(report.lat, report.lon, *entry.point) * 1000 <= (entry.radius_m or default_m)


def _completion(status: ObligationStatus, done: list[ReportFacts]) -> None:
    """One device's verified report of completion, or two devices' (corroborated)."""
    if not done:
        return
    devices = {r.device_id for r in done}
    status.status = "verified_complete" if len(devices) >= 2 else "reported_complete"
    status.completed_on = min(r.observed_at for r in done).date()


def status_of(obligation: Obligation, reports: list[ReportFacts], registers: Registers, *, today: date) -> ObligationStatus:
    """One obligation against the verified reports (oldest first)."""
    status = ObligationStatus(obligation, "not_started")
    if obligation.type == "unit_to_camp":
        unit = registers.units.get(obligation.unit or "")
        camp_id = obligation.camp or (unit.home_camp if unit else None)
        camp = registers.camps.get(camp_id or "")
        mine = [r for r in reports if r.ref("unit") == obligation.unit]
        arrived = [r for r in mine if r.kind == "withdrawal" and (r.ref("camp") == camp_id or _near(r, camp, DEFAULT_CAMP_RADIUS_M))]
        moving = [r for r in mine if r.kind == "unit_movement" and r.ref("destination_camp") == camp_id]
        status.evidence = [r.record_id for r in arrived + moving]
        if arrived or moving:
            status.status = "in_progress"
        _completion(status, [r for r in arrived if r.details.get("completeness") == "full"])
    elif obligation.type == "fighters_depart":
        departures = [
            r for r in reports
            if r.kind == "foreign_fighters" and r.details.get("activity") == "departure"
            and (obligation.crossing is None or r.ref("crossing_point") == obligation.crossing)
        ]
        status.evidence = [r.record_id for r in departures]
        departed = sum(r.number("estimated_number") for r in departures)
        if departures:
            status.status = "in_progress"
        if obligation.expected:
            status.progress = f"{departed} of {obligation.expected} departed"
            running, done = 0, []
            for report in departures:
                running += report.number("estimated_number")
                done.append(report)
                if running >= obligation.expected:
                    _completion(status, done)
                    break
        else:
            status.progress = f"{departed} departed"
    elif obligation.type == "weapons_in_storage":
        site = registers.storage_sites.get(obligation.storage_site or "")
        wanted = (obligation.weapon_type or "").casefold()
        weapons = [r for r in reports if r.kind == "heavy_weapons" and wanted in r.text("system").casefold()]
        stored = [r for r in weapons if r.ref("storage_site") == obligation.storage_site or _near(r, site, DEFAULT_SITE_RADIUS_M)]
        status.evidence = [r.record_id for r in stored]
        _completion(status, stored)
    if status.status not in COMPLETE and today > obligation.deadline:
        status.status = "overdue"
    return status


def unit_positions(reports: list[ReportFacts], registers: Registers) -> list[dict[str, Any]]:
    """Each unit's last verified position and whether it is at its home camp."""
    last: dict[str, ReportFacts] = {}
    for report in reports:  # oldest first: the last one wins
        unit_id = report.ref("unit")
        if unit_id in registers.units and report.kind in ("unit_movement", "withdrawal"):
            last[unit_id] = report
    rows = []
    for unit in sorted(registers.units.values(), key=lambda u: u.name_en.casefold()):
        seen = last.get(unit.id)
        camp = registers.camps.get(unit.home_camp or "")
        rows.append({
            "unit": unit.model_dump(mode="json"),
            "record_id": seen.record_id if seen else None,
            "observed_at": seen.observed_at.isoformat() if seen else None,
            "lat": seen.lat if seen else None,
            "lon": seen.lon if seen else None,
            "at_camp": None if seen is None or camp is None else _near(seen, camp, DEFAULT_CAMP_RADIUS_M),
        })
    return rows


def progress_series(statuses: list[ObligationStatus], reports: list[ReportFacts]) -> list[dict[str, Any]]:
    """Per day with a change: units back at their camps (obligations complete) beside foreign
    fighters departed (verified departures), both running totals: "in parallel"."""
    changes: dict[date, list[int]] = {}
    for status in statuses:
        if status.obligation.type == "unit_to_camp" and status.completed_on:
            changes.setdefault(status.completed_on, [0, 0])[0] += 1
    for report in reports:
        if report.kind == "foreign_fighters" and report.details.get("activity") == "departure":
            changes.setdefault(report.observed_at.date(), [0, 0])[1] += report.number("estimated_number")
    series, units, fighters = [], 0, 0
    for day in sorted(changes):
        units += changes[day][0]
        fighters += changes[day][1]
        series.append({"date": day.isoformat(), "units_returned": units, "fighters_departed": fighters})
    return series


def in_scope(obligation: Obligation, registers: Registers, *, side: str | None, area: str | None) -> bool:
    """The tracker's filters: a unit's side and area (its home camp inside the area, or its own
    area), a storage site's side and place; fighters' departures belong to no side."""
    point: tuple[float, float] | None = None
    if obligation.type == "unit_to_camp":
        unit = registers.units.get(obligation.unit or "")
        if unit is None:
            return side is None and area is None
        if side is not None and unit.side != side:
            return False
        if area is not None and unit.area == area:
            return True
        camp = registers.camps.get(obligation.camp or unit.home_camp or "")
        point = camp.point if camp else None
    elif obligation.type == "weapons_in_storage":
        site = registers.storage_sites.get(obligation.storage_site or "")
        if side is not None and (site is None or site.side != side):
            return False
        point = site.point if site else None
    else:
        crossing = registers.crossings.get(obligation.crossing or "")
        point = crossing.point if crossing else None
    if area is None:
        return True
    shape = registers.lines_and_areas.get(area)
    return bool(point and shape and shape.geometry and point_in_area(*point, shape.geometry))


def tracker(
    obligations: list[Obligation],
    reports: list[ReportFacts],
    registers: Registers,
    *,
    clock: Callable[[], datetime],
    side: str | None = None,
    area: str | None = None,
) -> dict[str, Any]:
    """The tracker page's data: obligations with status and evidence, the progress series,
    the units' last positions and the deadlines (`reports`: verified ones, any order)."""
    today = clock().date()
    ordered = sorted((r for r in reports if r.state == "verified"), key=lambda r: r.observed_at)
    live = [o for o in obligations if not o.retired and in_scope(o, registers, side=side, area=area)]
    statuses = [status_of(o, ordered, registers, today=today) for o in sorted(live, key=lambda o: (o.deadline, o.id))]
    positions = unit_positions(ordered, registers)
    if side is not None:
        positions = [p for p in positions if p["unit"]["side"] == side]
    return {
        "as_of": today.isoformat(),
        "obligations": [s.public() for s in statuses],
        "progress": progress_series(statuses, ordered),
        "deadlines": sorted({o.deadline.isoformat() for o in live}),
        "units": positions,
    }
