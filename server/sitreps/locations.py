"""A report's position told as monitors write it ("12 km NE of Sirte", "12 كم شمال شرق سرت"),
from server/location_description.py; coordinates where no place is within 100 km. English is
stored on the report at ingest (`Report.location_description`) and read from there."""

from collections.abc import Callable

from ..location_description import describe_location

Describe = Callable[[float, float, str], str]


def describer() -> Describe:
    def describe(lat: float, lon: float, language: str) -> str:
        return describe_location(lat, lon, language=language) or f"{lat:.4f}, {lon:.4f}"

    return describe
