"""Automatic flags for verifiers: where a report's place breaks the agreement's geometry.

Rules (docs/registers.md, "Flags"), each naming the register entry and geometry behind it:
- `beyond_withdrawal_line`: forces reported (unit movement, withdrawal, heavy weapons) on the
  `beyond` side of a withdrawal line, within the line's reach (not past either end); a line
  with a `side` binds that side's forces only (a report naming a registered unit of another side
  is not flagged; one naming no registered unit is: who it was is the verifier's question), and
  heavy weapons inside a registered storage site are where the agreement puts them;
- `in_demilitarised_area`: forces reported inside a demilitarised area;
- `outside_storage_sites`: heavy weapons farther than every storage site's radius;
- `unit_outside_area`: a unit (named by register id) reported outside its area of responsibility.
Geometry with shapely (server/registers/geometry.py); a flag is a hint for the verifier, never a decision.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sync.geo import distance_km
from sync.geometry import AREA_TYPES
from sync.registers import RegisterEntry

from .geometry import distance_to_line, point_in_area

from .evidence import ReportFacts

FORCE_KINDS = ("unit_movement", "withdrawal", "heavy_weapons")
AREA_KINDS = ("unit_movement", "heavy_weapons")
DEFAULT_SITE_RADIUS_M = 1000.0
SIDES = {"left": 1, "right": -1}


@dataclass(frozen=True)
class Flag:
    """One rule a report's place breaks."""

    record_id: str
    rule: str
    entry_id: str
    entry_name: str
    detail: str
    geometry: dict[str, Any] | None
    distance_m: float | None = None

    def public(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "rule": self.rule,
            "entry_id": self.entry_id,
            "entry_name": self.entry_name,
            "detail": self.detail,
            "geometry": self.geometry,
            "distance_m": None if self.distance_m is None else round(self.distance_m, 1),
        }


class FlagRules:
    """The registers a report is checked against (current, not retired)."""

    def __init__(self, *, lines_and_areas: Iterable[RegisterEntry], storage_sites: Iterable[RegisterEntry],
                 units: Iterable[RegisterEntry]) -> None:
        live = [e for e in lines_and_areas if not e.retired and e.geometry]
        self.lines = [e for e in live if e.type == "withdrawal_line" and e.beyond]
        self.demilitarised = [e for e in live if e.type == "demilitarised_area" and e.geometry
                              and e.geometry["type"] in AREA_TYPES]
        self.areas = {e.id: e for e in live if e.geometry and e.geometry["type"] in AREA_TYPES}
        self.sites = [e for e in storage_sites if not e.retired and e.point]
        self.units = {e.id: e for e in units}

    def check(self, report: ReportFacts) -> list[Flag]:
        flags: list[Flag] = []
        stored = report.kind == "heavy_weapons" and self._in_site(report)
        if report.kind in FORCE_KINDS and not stored:
            flags += self._lines(report)
        if report.kind in AREA_KINDS:
            flags += self._demilitarised(report)
        if report.kind == "heavy_weapons" and not stored:
            flags += self._sites(report)
        flags += self._unit_area(report)
        return flags

    def _in_site(self, report: ReportFacts) -> bool:
        for site in self.sites:
            assert site.point is not None
            if distance_km(report.lat, report.lon, *site.point) * 1000 <= (site.radius_m or DEFAULT_SITE_RADIUS_M):
                return True
        return False

    def _lines(self, report: ReportFacts) -> list[Flag]:
        found = []
        unit = self.units.get(report.ref("unit") or "")
        for line in self.lines:
            assert line.geometry is not None and line.beyond is not None
            if line.side and unit is not None and unit.side and unit.side != line.side:
                continue  # the line binds another side's forces
            where = distance_to_line(report.lat, report.lon, line.geometry)
            if where is not None and where.within and where.side == SIDES[line.beyond]:
                found.append(Flag(report.record_id, "beyond_withdrawal_line", line.id, line.name_en,
                                  f"{where.metres / 1000:.1f} km beyond {line.name_en}", line.geometry, where.metres))
        return found

    def _demilitarised(self, report: ReportFacts) -> list[Flag]:
        return [
            Flag(report.record_id, "in_demilitarised_area", area.id, area.name_en,
                 f"inside {area.name_en}", area.geometry)
            for area in self.demilitarised
            if area.geometry and point_in_area(report.lat, report.lon, area.geometry)
        ]

    def _sites(self, report: ReportFacts) -> list[Flag]:
        if not self.sites:
            return []  # no storage site registered: nothing to be outside of
        nearest, metres = None, float("inf")
        for site in self.sites:
            assert site.point is not None
            distance = distance_km(report.lat, report.lon, *site.point) * 1000
            if distance < metres:
                nearest, metres = site, distance
        assert nearest is not None
        return [Flag(report.record_id, "outside_storage_sites", nearest.id, nearest.name_en,
                     f"{metres / 1000:.1f} km from the nearest storage site, {nearest.name_en}",
                     nearest.geometry, metres)]

    def _unit_area(self, report: ReportFacts) -> list[Flag]:
        unit = self.units.get(report.ref("unit") or "")
        if unit is None or not unit.area or unit.area not in self.areas:
            return []
        area = self.areas[unit.area]
        assert area.geometry is not None
        if point_in_area(report.lat, report.lon, area.geometry):
            return []
        return [Flag(report.record_id, "unit_outside_area", area.id, area.name_en,
                     f"{unit.name_en} reported outside {area.name_en}", area.geometry)]
