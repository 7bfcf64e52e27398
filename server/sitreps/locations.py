"""A report's position told as monitors write it ("12 km NE of Sirte", "12 كم شمال شرق سرت"),
with the gridded gazetteer of server/location_description.py: one nearest-place search (one
geodesic, mostly) gives both languages; coordinates where no place is within 100 km."""

from collections.abc import Callable

from ..location_description import gazetteer

Describe = Callable[[float, float], dict[str, str]]


def describer() -> Describe:
    places = gazetteer()

    def describe(lat: float, lon: float) -> dict[str, str]:
        told = places.nearest(lat, lon)
        if told is None:
            return dict.fromkeys(("en", "ar"), f"{lat:.4f}, {lon:.4f}")
        return {"en": told.text("en"), "ar": told.text("ar")}

    return describe
