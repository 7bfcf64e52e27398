"""The areas a situation report counts by: the registers' areas of responsibility when there are
any, else the gazetteer's towns (each report in the area of its nearest curated town, within
100 km). A report in no area is counted under "outside every area" (id "").

Areas of responsibility may overlap where the agreement draws them so: a report is counted in
exactly one area, the first by id that holds it, so the areas add up to the totals.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sync import places as gazetteer
from sync.registers import RegisterEntry
from sync.sitrep_format import OUTSIDE

from ..registers.geometry import point_in_area

OUTSIDE_NAMES = {"en": "Outside every area", "ar": "خارج كل المناطق"}


@dataclass(frozen=True)
class Area:
    id: str
    name_en: str
    name_ar: str

    def public(self) -> dict[str, str]:
        return {"id": self.id, "name_en": self.name_en, "name_ar": self.name_ar}

    def name(self, language: str) -> str:
        return (self.name_ar or self.name_en) if language == "ar" else self.name_en


OUTSIDE_AREA = Area(OUTSIDE, OUTSIDE_NAMES["en"], OUTSIDE_NAMES["ar"])


class AreaFinder:
    """Which area a position is in; `source` says where the areas came from."""

    def __init__(self, lines_and_areas: Sequence[RegisterEntry]) -> None:
        self._polygons = sorted(
            (
                e
                for e in lines_and_areas
                if e.type == "area_of_responsibility"
                and not e.retired
                and e.geometry
                and e.geometry.get("type") in ("Polygon", "MultiPolygon")
            ),
            key=lambda e: e.id,
        )
        self.source = "registers" if self._polygons else "gazetteer"
        self._towns = [] if self._polygons else _towns()
        self._seen: dict[str, Area] = {}

    def fixed_areas(self) -> list[Area]:
        """Every area known before counting (the registers'; the gazetteer's appear as found)."""
        return [Area(e.id, e.name_en, e.name_ar) for e in self._polygons]

    def area_of(self, lat: float, lon: float) -> Area:
        if self._polygons:
            for entry in self._polygons:
                assert entry.geometry is not None
                if point_in_area(lat, lon, entry.geometry):
                    return Area(entry.id, entry.name_en, entry.name_ar)
            return OUTSIDE_AREA
        town = gazetteer.nearest_place(self._towns, lat, lon, max_km=gazetteer.DESCRIBE_WITHIN_KM)
        if town is None:
            return OUTSIDE_AREA
        return Area(f"town:{town.id}", town.name, town.name_ar)


@cache
def _towns() -> tuple[gazetteer.Place, ...]:
    return tuple(p for p in gazetteer.load_places(gazetteer.default_places_path()) if p.type == "town")


def ordered(areas: dict[str, Area]) -> list[Area]:
    """Areas in table order: the registers' (or towns') by name, "outside" last."""
    inside = sorted((a for a in areas.values() if a.id != OUTSIDE), key=lambda a: (a.name_en, a.id))
    return [*inside, *([areas[OUTSIDE]] if OUTSIDE in areas else [])]


def area_names(found: Any) -> dict[str, str]:
    return {"en": found.name_en, "ar": found.name_ar}
