"""A report's position told as monitors write it ("12 km NE of Sirte"), in English or Arabic.

`server.location_description.describe_location` (the location-description work) is used when
it is there; until then `sync.places.describe` from the curated gazetteer, the same wording.
"""

from collections.abc import Callable
from functools import cache

from sync import places as gazetteer

Describe = Callable[[float, float, str], str]


def describer() -> Describe:
    try:
        from ..location_description import describe_location  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        return _from_gazetteer

    def describe(lat: float, lon: float, language: str) -> str:
        return describe_location(lat, lon, language=language) or _coordinates(lat, lon)

    return describe


def _from_gazetteer(lat: float, lon: float, language: str) -> str:
    found = gazetteer.describe(_places(), lat, lon, language=language)
    return found.text() if found is not None else _coordinates(lat, lon)


def _coordinates(lat: float, lon: float) -> str:
    return f"{lat:.4f}, {lon:.4f}"


@cache
def _places() -> tuple[gazetteer.Place, ...]:
    return tuple(gazetteer.load_places(gazetteer.default_places_path()))
