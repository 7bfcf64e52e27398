"""What the form's register fields offer: the device's registers (pulled at sync, kept
encrypted), searched by name in English or Arabic, nearest first, offline.

A unit has no point of its own: it is placed at its home camp. Retired entries are not offered
(a record that already names one keeps it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.services import Unlocked
    from sync.registers import RegisterEntry

PICKER_LIMIT = 6


@dataclass(frozen=True)
class RegisterChoice:
    """One entry the picker shows."""

    entry_id: str
    label: str  # in the app's language
    other: str  # the name in the other language ("" if none)
    distance_km: float | None

    def reference(self) -> dict[str, str]:
        """What the record carries: the id and the name as shown."""
        return {"id": self.entry_id, "name": self.label}


class RegisterChoices:
    """The registers the form picks from, loaded once per form."""

    def __init__(self, entries: list[RegisterEntry]) -> None:
        from sync.places import fold

        self._fold = fold
        self._entries = [e for e in entries if not e.retired]
        camps = {e.id: e for e in self._entries if e.register_name == "camps"}
        self._points: dict[tuple[str, str], tuple[float, float] | None] = {}
        self._names: dict[tuple[str, str], tuple[str, str]] = {}
        for entry in self._entries:
            key = (entry.register_name, entry.id)
            home = camps.get(entry.home_camp or "")
            self._points[key] = entry.point or (home.point if home else None)
            self._names[key] = (fold(entry.name_en), fold(entry.name_ar))

    @classmethod
    def of_device(cls, device: Unlocked) -> RegisterChoices:
        return cls(device.registers.entries())

    def has(self, register: str) -> bool:
        return any(e.register_name == register for e in self._entries)

    def search(
        self,
        register: str,
        query: str,
        *,
        language: str,
        near: tuple[float, float] | None = None,
        limit: int = PICKER_LIMIT,
    ) -> list[RegisterChoice]:
        """Entries of `register` whose English or Arabic name holds what was typed (a name that
        starts with it first), then nearest first (when the form has a position), then by name."""
        from sync.geo import distance_km

        wanted = self._fold(query)
        rough = _rough_km(near) if near else None
        ranked: list[tuple[Any, ...]] = []
        for entry in self._entries:
            if entry.register_name != register:
                continue
            names = self._names[(register, entry.id)]
            if wanted and not any(wanted in name for name in names):
                continue
            prefix = 0 if not wanted or any(name.startswith(wanted) for name in names) else 1
            point = self._points[(register, entry.id)]
            order = rough(*point) if rough and point else float("inf")
            ranked.append((prefix, order, entry.label(language).casefold(), entry, point))
        ranked.sort(key=lambda row: row[:3])
        shown = []
        for _prefix, _order, _name, entry, point in ranked[:limit]:
            # the geodesic only for what is shown: ranking 500 entries by it took ~65 ms a keystroke
            distance = distance_km(near[0], near[1], *point) if near and point else None
            label = entry.label(language)
            other = entry.name_en if label == entry.name_ar else entry.name_ar
            shown.append(RegisterChoice(entry.id, label, other, distance))
        return shown


def _rough_km(near: tuple[float, float]):
    """Distance from `near` on a sphere (haversine): enough to rank by, cheap per entry."""
    lat0, lon0 = math.radians(near[0]), math.radians(near[1])
    cos0 = math.cos(lat0)

    def km(lat: float, lon: float) -> float:
        dlat, dlon = math.radians(lat) - lat0, math.radians(lon) - lon0
        a = math.sin(dlat / 2) ** 2 + cos0 * math.cos(math.radians(lat)) * math.sin(dlon / 2) ** 2
        return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))

    return km
