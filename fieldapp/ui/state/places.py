"""The offline place list for the form's picker (assets/places.json via fieldapp.places)."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class PlaceChoice:
    id: str
    name: str
    name_ar: str
    type: str
    lat: float
    lon: float

    def label(self, language: str) -> str:
        """The name in the app's language (the record stores what the observer picked)."""
        return self.name_ar if language == "ar" and self.name_ar else self.name


@lru_cache(maxsize=1)
def _all_places() -> tuple[Any, ...]:
    from fieldapp.places import load_places

    return tuple(load_places())


def find_places(query: str, *, limit: int = 8) -> list[PlaceChoice]:
    from fieldapp.places import search_places

    found = search_places(_all_places(), query, limit=limit)
    return [PlaceChoice(p.id, p.name, p.name_ar, p.type, p.lat, p.lon) for p in found]
