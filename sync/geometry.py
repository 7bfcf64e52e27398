"""Plain-Python plane geometry on GeoJSON shapes, for the registers' lines and areas.

GeoJSON positions are `[lon, lat]`. Areas are small against the Earth (a mission's lines run a
few hundred km), so containment is tested in lon/lat (ray casting) and distance to a line in a
local equirectangular projection around the point (error well under 1 % at these sizes); the
distance between two points is sync.geo's geodesic. Both ends may use this; the phone needs no
compiled geometry library.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
MAX_POSITIONS = 20_000  # one feature; a mission's line or area needs a few hundred
POINT_TYPES = ("Point",)
LINE_TYPES = ("LineString", "MultiLineString")
AREA_TYPES = ("Polygon", "MultiPolygon")

Position = Sequence[float]


class GeometryError(ValueError):
    """Not a usable GeoJSON geometry (the message says why)."""


def check_geometry(geometry: Any) -> dict[str, Any]:
    """A GeoJSON geometry with finite, in-range positions, as a plain dict; GeometryError if not."""
    if not isinstance(geometry, dict) or set(geometry) - {"type", "coordinates"}:
        raise GeometryError("must be a GeoJSON geometry object with 'type' and 'coordinates'")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    depth = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
    if kind not in depth:
        raise GeometryError(f"geometry type must be one of {', '.join(depth)}")
    count = [0]
    clean = _positions(coordinates, depth[kind], count)
    if kind == "LineString" and len(clean) < 2:
        raise GeometryError("a LineString needs at least 2 positions")
    if kind == "MultiLineString" and (not clean or any(len(line) < 2 for line in clean)):
        raise GeometryError("each line of a MultiLineString needs at least 2 positions")
    polygons = [clean] if kind == "Polygon" else clean if kind == "MultiPolygon" else []
    if kind in AREA_TYPES and not polygons:
        raise GeometryError("a MultiPolygon needs at least one polygon")
    for polygon in polygons:
        if not polygon:
            raise GeometryError("a polygon needs an outer ring")
        for ring in polygon:
            if len(ring) < 4 or ring[0] != ring[-1]:
                raise GeometryError("a polygon ring needs at least 4 positions, the last equal to the first")
    return {"type": kind, "coordinates": clean}


def _positions(value: Any, depth: int, count: list[int]) -> Any:
    if not isinstance(value, list):
        raise GeometryError("coordinates must be nested arrays of [lon, lat]")
    if depth == 0:
        if len(value) not in (2, 3) or not all(type(v) in (int, float) for v in value):
            raise GeometryError("a position must be [lon, lat] numbers")
        lon, lat = float(value[0]), float(value[1])
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise GeometryError("a position must have lon within ±180 and lat within ±90")
        count[0] += 1
        if count[0] > MAX_POSITIONS:
            raise GeometryError(f"a geometry may hold at most {MAX_POSITIONS} positions")
        return [lon, lat]
    return [_positions(item, depth - 1, count) for item in value]


# -- containment ------------------------------------------------------------------------


def _in_ring(lon: float, lat: float, ring: Sequence[Position]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def point_in_polygon(lon: float, lat: float, polygon: Sequence[Sequence[Position]]) -> bool:
    """Inside the outer ring and in no hole (a point exactly on an edge may go either way)."""
    if not polygon or not _in_ring(lon, lat, polygon[0]):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in polygon[1:])


def point_in_area(lat: float, lon: float, geometry: dict[str, Any]) -> bool:
    """Is the point inside a Polygon or MultiPolygon? (False for any other geometry.)"""
    if geometry.get("type") == "Polygon":
        return point_in_polygon(lon, lat, geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return any(point_in_polygon(lon, lat, polygon) for polygon in geometry["coordinates"])
    return False


# -- distance to a line -----------------------------------------------------------------


@dataclass(frozen=True)
class LineDistance:
    """Where a point stands against a line: metres to its nearest point, on which side of the
    line's drawing direction (+1 left, -1 right, 0 on it), and whether that nearest point is
    inside a segment (False: the point lies past one of the line's ends)."""

    metres: float
    side: int
    within: bool


def distance_to_line(lat: float, lon: float, geometry: dict[str, Any]) -> LineDistance | None:
    """The nearest approach of a LineString or MultiLineString to the point (None otherwise)."""
    if geometry.get("type") == "LineString":
        lines = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiLineString":
        lines = geometry["coordinates"]
    else:
        return None
    best: LineDistance | None = None
    scale = math.cos(math.radians(lat))
    for line in lines:
        # Plane coordinates in metres, the point at the origin.
        points = [
            (math.radians(p[0] - lon) * scale * EARTH_RADIUS_M, math.radians(p[1] - lat) * EARTH_RADIUS_M)
            for p in line
        ]
        last = len(points) - 2
        for index, ((ax, ay), (bx, by)) in enumerate(zip(points, points[1:], strict=False)):
            dx, dy = bx - ax, by - ay
            length2 = dx * dx + dy * dy
            t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
            fx, fy = ax + t * dx, ay + t * dy
            metres = math.hypot(fx, fy)
            # The origin is left of A->B when the cross product of AB and AO is positive.
            cross = dx * (-ay) - dy * (-ax)
            side = 0 if metres < 1e-6 else (1 if cross > 0 else -1)
            past_end = (t == 0.0 and index == 0) or (t == 1.0 and index == last)
            candidate = LineDistance(metres, side, not past_end)
            if best is None or candidate.metres < best.metres:
                best = candidate
    return best
