"""Geography both ends share: MGRS both ways, geodesic distance and bearing on WGS 84, the
16-point compass, and a position told from a place ("12 km NE of Sirte").

Everything goes through pygeodesy (pure Python, so it runs on phones): its UTM/MGRS
conversions, and its WGS 84 geodesic, which pygeodesy takes from Karney's geographiclib
(pure Python too). Distances and bearings are on the ellipsoid, accurate to well under a
metre at any range. pygeodesy is imported at first use, so importing this module is cheap.
"""

import heapq
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

# 16-point compass, clockwise from north: the vocabulary of records' headings and directions.
COMPASS_POINTS: tuple[str, ...] = (
    "N",
    "NNE",
    "NE",
    "ENE",
    "E",
    "ESE",
    "SE",
    "SSE",
    "S",
    "SSW",
    "SW",
    "WSW",
    "W",
    "WNW",
    "NW",
    "NNW",
)
# MGRS proper covers 80°S up to (not including) 84°N; the poles use UPS, which no monitor here needs.
MGRS_SOUTH, MGRS_NORTH = -80.0, 84.0
MGRS_EXAMPLE = "33R XQ 51482 52856"
# Zone 1-60, latitude band C-X (no I, O), 100 km square (column A-Z, row A-V, no I, O), then digits.
_MGRS_FORM = re.compile(r"^(\d{1,2})([C-HJ-NP-X])([A-HJ-NP-Z][A-HJ-NP-V])(\d{0,10})$")


class MgrsError(ValueError):
    """Not a usable MGRS grid reference; `str()` says why, to follow the field's name."""


def in_mgrs_area(lat: float, lon: float) -> bool:
    """Whether the point has an MGRS reference (80°S to 84°N)."""
    return MGRS_SOUTH <= lat < MGRS_NORTH and -180.0 <= lon <= 180.0


def to_mgrs(lat: float, lon: float, *, digits: int = 5) -> str:
    """A grid reference like "33R XQ 51482 52856" (`digits` each way: 5 = 1 m squares, 4 = 10 m...).

    Digits are truncated, not rounded, as MGRS requires: the reference names the square the
    point is in. Raises MgrsError outside the MGRS area.
    """
    if not in_mgrs_area(lat, lon):
        raise MgrsError("MGRS covers latitudes 80°S to 84°N only")
    if not 0 <= digits <= 5:
        raise ValueError("MGRS references have 0 to 5 digits each way")
    from pygeodesy.utm import toUtm8

    try:
        return toUtm8(lat, lon).toMgrs().toStr(prec=digits - 5, sep=" ")  # pygeodesy's prec counts from 1 m
    except (ValueError, TypeError, ArithmeticError) as exc:  # pygeodesy's errors derive from these
        raise MgrsError("has no MGRS reference") from exc


def mgrs_of(lat: float, lon: float) -> str | None:
    """The 1 m reference monitors read, or None where MGRS does not reach (for display)."""
    return to_mgrs(lat, lon) if in_mgrs_area(lat, lon) else None


def normalize_mgrs(text: str) -> str:
    """The reference in the spaced upper-case form pygeodesy and people read."""
    if not isinstance(text, str) or not text.strip():
        raise MgrsError(f"must be a grid reference like {MGRS_EXAMPLE}")
    parts = text.upper().split()
    if len(parts) >= 2 and parts[-1].isdigit() and parts[-2].isdigit() and len(parts[-1]) != len(parts[-2]):
        raise MgrsError("easting and northing must have the same number of digits")
    match = _MGRS_FORM.match("".join(parts))
    if not match:
        raise MgrsError(f"must be a grid reference like {MGRS_EXAMPLE}")
    zone, band, square, digits = match.groups()
    if not 1 <= int(zone) <= 60:
        raise MgrsError("grid zone must be between 1 and 60")
    if len(digits) % 2:
        raise MgrsError("easting and northing must have the same number of digits")
    half = len(digits) // 2
    return f"{int(zone)}{band} {square} {digits[:half]} {digits[half:]}".strip()


def from_mgrs(text: str) -> tuple[float, float]:
    """(lat, lon) of the centre of the grid square a reference names (6 decimals)."""
    from pygeodesy.mgrs import parseMGRS

    spaced = normalize_mgrs(text)
    try:
        point = parseMGRS(spaced).toLatLon(center=True)
    except (ValueError, TypeError, ArithmeticError) as exc:  # pygeodesy's errors derive from these
        raise MgrsError("is not a valid grid reference for that zone and band") from exc
    return round(point.lat, 6) + 0.0, round(point.lon, 6) + 0.0


# -- distance and bearing ---------------------------------------------------------------


@cache
def _geodesic() -> Any:
    from pygeodesy import Datums

    return Datums.WGS84.ellipsoid.geodesic  # Karney's algorithm (geographiclib), wrapped


def _inverse(lat1: float, lon1: float, lat2: float, lon2: float) -> Any:
    geodesic = _geodesic()
    return geodesic.Inverse(lat1, lon1, lat2, lon2, geodesic.DISTANCE | geodesic.AZIMUTH)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance on WGS 84 between two points, in kilometres."""
    return float(_inverse(lat1, lon1, lat2, lon2).s12) / 1000.0


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The initial bearing from point 1 towards point 2, in degrees clockwise from north [0, 360)."""
    return float(_inverse(lat1, lon1, lat2, lon2).azi1) % 360.0


def compass_point(bearing: float) -> str:
    """The nearest of the 16 compass points (N, NNE, ... NNW) to a bearing in degrees."""
    from pygeodesy import compassPoint

    return str(compassPoint(bearing % 360.0, prec=3))  # prec 3: the 16-point rose


@dataclass(frozen=True)
class Relative:
    """Where a point lies seen from a named place: `km` away, towards `bearing` (`compass`)."""

    place: str
    km: float
    bearing: float
    compass: str

    def text(self) -> str:
        """How monitoring missions write it: "12 km NE of Sirte" (tenths under 10 km), "at Sirte"."""
        if self.km < 0.05:
            return f"at {self.place}"
        distance = f"{self.km:.0f}" if self.km >= 9.95 else f"{self.km:.1f}"
        return f"{distance} km {self.compass} of {self.place}"


def relative_to(place: str, place_lat: float, place_lon: float, lat: float, lon: float) -> Relative:
    """The point (lat, lon) as distance and bearing from a place at (place_lat, place_lon)."""
    answer = _inverse(place_lat, place_lon, lat, lon)
    bearing = float(answer.azi1) % 360.0
    return Relative(place, float(answer.s12) / 1000.0, bearing, compass_point(bearing))


# The nearest of many places: a flat-earth estimate (cheap, good to a percent or so over the
# tens of kilometres that matter) ranks them, and the geodesic decides among the closest few,
# so a near tie is never settled by the estimate.
_SHORTLIST = 4


def nearest(
    items: Iterable[T],
    lat: float,
    lon: float,
    *,
    position: Callable[[T], tuple[float, float]],
    max_km: float | None = None,
) -> tuple[T, float] | None:
    """The item closest to (lat, lon) with its geodesic distance in km, or None (none within `max_km`)."""
    cos_lat = math.cos(math.radians(lat))

    def estimate(item: T) -> float:
        item_lat, item_lon = position(item)
        dlon = (item_lon - lon + 180.0) % 360.0 - 180.0
        return (item_lat - lat) ** 2 + (dlon * cos_lat) ** 2

    shortlist = heapq.nsmallest(_SHORTLIST, items, key=estimate)
    if not shortlist:
        return None
    best = min(((item, distance_km(lat, lon, *position(item))) for item in shortlist), key=lambda p: p[1])
    if max_km is not None and best[1] > max_km:
        return None
    return best
