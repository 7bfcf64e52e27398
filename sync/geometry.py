"""GeoJSON geometry as the registers carry it: what a usable line, area or point is.

Both ends check a register's geometry with `check_geometry` (the server on import, the device on
the signed feed): finite numbers, lon within ±180 and lat within ±90, closed rings, a bound on
positions. GeoJSON positions are `[lon, lat]`. What a position means against a line or an area
(the verifiers' flags) is asked on the server only, with shapely: server/registers/geometry.py.
"""

from typing import Any

MAX_POSITIONS = 20_000  # one feature; a mission's line or area needs a few hundred
POINT_TYPES = ("Point",)
LINE_TYPES = ("LineString", "MultiLineString")
AREA_TYPES = ("Polygon", "MultiPolygon")


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
