"""Where a report's position stands against the agreement's lines and areas, with shapely (GEOS).

Server-side only (the phone needs none of it: flags are computed here). Register geometry is
checked on the way in by `sync.geometry.check_geometry` (both ends); this module answers the
two questions the flags and the tracker ask:

- `point_in_area`: is the point inside a Polygon / MultiPolygon (holes respected; a point on
  the boundary counts as inside, `covers`), tested in lon/lat as GeoJSON draws it;
- `distance_to_line`: metres from the point to a LineString / MultiLineString, on which side of
  the line's drawing direction, and whether the nearest point lies within the line (not past
  an end). The line is projected to a local equirectangular plane around the point (metres,
  the point at the origin): at a mission's scale (features of a few hundred km) its error is
  well under 1 %, far inside what a flag needs.

Shapes are parsed once per geometry object (`_shape`, keyed by the dict's identity while it is
alive), since a flag run checks thousands of reports against the same few registers.
"""

import math
from dataclasses import dataclass
from typing import Any

from shapely.geometry import LineString, Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from sync.geometry import AREA_TYPES

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG): the scale of the local plane
_ORIGIN = Point(0.0, 0.0)
_prepared: dict[int, tuple[dict[str, Any], PreparedGeometry]] = {}


@dataclass(frozen=True)
class LineDistance:
    """Where a point stands against a line: metres to its nearest point, on which side of the
    line's drawing direction (+1 left, -1 right, 0 on it), and whether that nearest point is
    inside the line (False: the point lies past one of the line's ends)."""

    metres: float
    side: int
    within: bool


def _shape(geometry: dict[str, Any]) -> PreparedGeometry:
    found = _prepared.get(id(geometry))
    if found is None or found[0] is not geometry:
        if len(_prepared) > 1000:  # registers are few; never let a long run grow this
            _prepared.clear()
        found = (geometry, prep(shape(geometry)))
        _prepared[id(geometry)] = found
    return found[1]


def point_in_area(lat: float, lon: float, geometry: dict[str, Any]) -> bool:
    """Is the point inside a Polygon or MultiPolygon? (False for any other geometry.)"""
    if geometry.get("type") not in AREA_TYPES:
        return False
    return _shape(geometry).covers(Point(lon, lat))


def distance_to_line(lat: float, lon: float, geometry: dict[str, Any]) -> LineDistance | None:
    """The nearest approach of a LineString or MultiLineString to the point (None otherwise)."""
    if geometry.get("type") == "LineString":
        lines = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiLineString":
        lines = geometry["coordinates"]
    else:
        return None
    scale = math.cos(math.radians(lat))
    best: LineDistance | None = None
    for coordinates in lines:
        plane = LineString(
            [
                (math.radians(p[0] - lon) * scale * EARTH_RADIUS_M, math.radians(p[1] - lat) * EARTH_RADIUS_M)
                for p in coordinates
            ]
        )
        candidate = _against(plane)
        if best is None or candidate.metres < best.metres:
            best = candidate
    return best


def _against(line: BaseGeometry) -> LineDistance:
    """The origin against one projected line: distance, side of the segment holding the
    nearest point, and whether that point is past an end of the line."""
    along = line.project(_ORIGIN)
    metres = line.distance(_ORIGIN)
    points = list(line.coords)
    reached = 0.0
    segment = (points[0], points[1])
    for a, b in zip(points, points[1:], strict=False):
        length = math.dist(a, b)
        segment = (a, b)
        if reached + length >= along:
            break
        reached += length
    (ax, ay), (bx, by) = segment
    # The origin is left of A->B when the cross product of AB and AO is positive.
    cross = (bx - ax) * (-ay) - (by - ay) * (-ax)
    side = 0 if metres < 1e-6 else (1 if cross > 0 else -1)
    tolerance = 1e-9 * max(1.0, line.length)
    within = tolerance < along < line.length - tolerance
    return LineDistance(metres, side, within)
