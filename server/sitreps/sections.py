"""The period's sections of a situation report, each a list a reader can check report by report.

- unit movements and withdrawals, naming the registers' unit (and its side) and camp when the
  report picked them (free text is shown as written, never matched to an entry by name);
- foreign fighters seen or departing, summed by crossing (departures: `estimated_number`);
- heavy weapons in violation: a heavy-weapons report the agreement's geometry flags (beyond a
  withdrawal line, in a demilitarised area, outside every storage site: server/registers/flags.py)
  or that the observer said was beyond the line or outside a storage site;
- the freedom-of-movement log: each restriction of the monitors with when, where, by whom and
  the reason given.
"""

from typing import TYPE_CHECKING, Any

from ..registers.evidence import ReportFacts
from .definition import PENDING, SitrepDefinition
from .records import Counted

if TYPE_CHECKING:
    from .compute import Context

WEAPON_RULES = ("beyond_withdrawal_line", "in_demilitarised_area", "outside_storage_sites")
OBSERVER_RELATIONS = {
    "beyond_withdrawal_line": "beyond_withdrawal_line",
    "outside_storage_site": "outside_storage_sites",
}
MAP_LINE_TYPES = ("withdrawal_line", "agreed_line", "demilitarised_area", "area_of_responsibility")


class Sections:
    def __init__(self, context: "Context", definition: SitrepDefinition) -> None:
        self.context = context
        self.definition = definition
        self.movements: list[dict[str, Any]] = []
        self.fighters: list[dict[str, Any]] = []
        self.weapons: list[dict[str, Any]] = []
        self.restrictions: list[dict[str, Any]] = []

    def add(self, report: Counted, facts: ReportFacts) -> None:
        if report.kind in ("unit_movement", "withdrawal"):
            self.movements.append(self._movement(report, facts))
        elif report.kind == "foreign_fighters":
            self.fighters.append(self._fighters(report, facts))
        elif report.kind == "heavy_weapons":
            weapon = self._weapons(report, facts)
            if weapon is not None:
                self.weapons.append(weapon)
        elif report.kind == "movement_restriction":
            self.restrictions.append(
                {
                    **self._common(report),
                    "restriction": _text(report.details.get("restriction")),
                    "by_whom": _text(report.details.get("by_whom")),
                    "reason_given": _text(report.details.get("reason_given")),
                    "description": _text(report.content.get("description"))[:300],
                }
            )

    def _common(self, report: Counted) -> dict[str, Any]:
        return {
            "record_id": report.record_id,
            "local_time": report.observed_at.astimezone(self.definition.zone()).strftime("%Y-%m-%d %H:%M"),
            "area": report.area.id,
            "location": report.location(self.context.describe),
            "unverified": report.state in PENDING,
        }

    def _entry(self, register: str, entry_id: str | None) -> dict[str, str] | None:
        entry = self.context.registers[register].get(entry_id or "")
        if entry is None:
            return None
        return {"id": entry.id, "name_en": entry.name_en, "name_ar": entry.name_ar, "side": entry.side or ""}

    def _named(self, register: str, facts: ReportFacts, name: str) -> dict[str, Any] | None:
        """A register field: the entry when the report picked one, else the text as written."""
        entry = self._entry(register, facts.ref(name))
        if entry is not None:
            return entry
        text = facts.text(name)
        return {"id": "", "name_en": text, "name_ar": text, "side": ""} if text else None

    def _movement(self, report: Counted, facts: ReportFacts) -> dict[str, Any]:
        details = report.details
        camp_field = "camp" if report.kind == "withdrawal" else "destination_camp"
        vehicles = details.get("vehicles")
        return {
            **self._common(report),
            "kind": report.kind,
            "unit": self._named("units", facts, "unit"),
            "camp": self._named("camps", facts, camp_field),
            "from_place": _text(details.get("from_place")),
            "to_place": _text(details.get("to_place")),
            "heading": _text(details.get("heading")),
            "personnel": facts.number("personnel") or None,
            "vehicles": {k: v for k, v in sorted(vehicles.items()) if type(v) is int and v > 0}
            if isinstance(vehicles, dict)
            else {},
            "completeness": _text(details.get("completeness")),
        }

    def _fighters(self, report: Counted, facts: ReportFacts) -> dict[str, Any]:
        activity = _text(report.details.get("activity"))
        return {
            **self._common(report),
            "activity": activity if activity in ("presence", "departure") else "presence",
            "estimated_number": facts.number("estimated_number") or None,
            "nationality": _text(report.details.get("nationality")),
            "means": _text(report.details.get("means")),
            "crossing": self._named("crossings", facts, "crossing_point"),
        }

    def _weapons(self, report: Counted, facts: ReportFacts) -> dict[str, Any] | None:
        reasons = [
            {
                "rule": flag.rule,
                "entry_id": flag.entry_id,
                "entry_name": flag.entry_name,
                "detail": flag.detail,
            }
            for flag in self.context.flags.check(facts)
            if flag.rule in WEAPON_RULES
        ]
        relation = _text(report.details.get("relation"))
        said = OBSERVER_RELATIONS.get(relation)
        if said and all(r["rule"] != said for r in reasons):
            reasons.append(
                {"rule": said, "entry_id": "", "entry_name": "", "detail": "as the observer reported it"}
            )
        if not reasons:
            return None
        return {
            **self._common(report),
            "system": facts.text("system"),
            "calibre_mm": report.details.get("calibre_mm")
            if isinstance(report.details.get("calibre_mm"), int | float)
            else None,
            "count": facts.number("count") or None,
            "firing_position": report.details.get("firing_position") is True,
            "storage_site": self._named("storage_sites", facts, "storage_site"),
            "reasons": reasons,
        }

    def public(self) -> dict[str, Any]:
        return {
            "unit_movements": self.movements,
            "foreign_fighters": {"by_crossing": self._by_crossing(), "reports": self.fighters},
            "heavy_weapons": self.weapons,
            "freedom_of_movement": self.restrictions,
        }

    def _by_crossing(self) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for item in self.fighters:
            crossing = item["crossing"] or {"id": "", "name_en": "", "name_ar": "", "side": ""}
            key = crossing["id"] or f"text:{crossing['name_en']}"
            row = rows.setdefault(
                key,
                {
                    "crossing": crossing,
                    "departed": 0,
                    "departure_reports": 0,
                    "presence_reports": 0,
                    "seen": 0,
                },
            )
            number = item["estimated_number"] or 0
            if item["activity"] == "departure":
                row["departed"] += number
                row["departure_reports"] += 1
            else:
                row["seen"] += number
                row["presence_reports"] += 1
        return sorted(rows.values(), key=lambda r: (r["crossing"]["name_en"] == "", r["crossing"]["name_en"]))

    def map_layers(self) -> dict[str, Any]:
        """The agreement's lines and areas the map annex draws (the reports' points come from the list)."""
        shapes = [
            {"id": e.id, "name_en": e.name_en, "name_ar": e.name_ar, "type": e.type, "geometry": e.geometry}
            for e in sorted(self.context.registers["lines_and_areas"].values(), key=lambda e: e.id)
            if not e.retired and e.geometry and e.type in MAP_LINE_TYPES
        ]
        return {"shapes": shapes}


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) else ""
