"""The mission's own map layers (agreed lines, areas, camps) as the basemap draws them, and
the checks an uploaded GeoJSON file must pass.

`parse_geojson` is the one gate: it accepts a FeatureCollection, a Feature or a bare
geometry of Points, LineStrings and Polygons (and their Multi- forms), with WGS 84
longitude/latitude positions, and refuses anything else with a message saying what and
where ("feature 3: a polygon ring needs at least 4 positions"). Size is bounded twice: the
bytes of the file (the API's limit) and the features and positions in it (here), so a layer
can never make a tile slow to draw.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from . import style
from .projection import unit_xy

MAX_FEATURES = 2_000
MAX_POSITIONS = 100_000
MAX_NAME = 120
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class LayerError(ValueError):
    """An uploaded layer is not one the maps can draw; the message says why, for the admin."""


@dataclass(frozen=True)
class LayerFeature:
    """One drawable feature: geometry in world fractions (projection.unit_xy)."""

    geometry: BaseGeometry
    name: str = ""
    colour: str = style.LAYER_LINE
    fill: tuple[int, int, int, int] = style.LAYER_FILL


@dataclass(frozen=True)
class ParsedFeature:
    """A checked feature in lon/lat, as stored (GeoJSON geometry and its name)."""

    geometry: dict[str, Any]
    name: str


def parse_geojson(text: str | bytes) -> list[ParsedFeature]:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LayerError(f"the file is not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise LayerError("GeoJSON must be an object (a FeatureCollection, a Feature or a geometry)")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise LayerError("a FeatureCollection needs a list of features")
    elif kind == "Feature":
        features = [data]
    elif kind in GEOMETRY_TYPES:
        features = [{"type": "Feature", "geometry": data, "properties": {}}]
    else:
        raise LayerError(f"unknown GeoJSON type {str(kind)[:40]!r}")
    if not features:
        raise LayerError("the layer holds no features")
    if len(features) > MAX_FEATURES:
        raise LayerError(f"too many features: {len(features)} (at most {MAX_FEATURES})")
    out: list[ParsedFeature] = []
    positions = 0
    for index, feature in enumerate(features, start=1):
        where = f"feature {index}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise LayerError(f"{where}: not a GeoJSON Feature")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
            raise LayerError(f"{where}: the geometry must be one of {', '.join(GEOMETRY_TYPES)}")
        positions += _check(geometry["type"], geometry.get("coordinates"), where)
        if positions > MAX_POSITIONS:
            raise LayerError(f"too many positions (more than {MAX_POSITIONS}): simplify the layer")
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise LayerError(f"{where}: properties must be an object")
        name = next(
            (properties[k] for k in ("name", "title", "label") if isinstance(properties.get(k), str)), ""
        )
        out.append(
            ParsedFeature(
                geometry={"type": geometry["type"], "coordinates": geometry["coordinates"]},
                name=name.strip()[:MAX_NAME],
            )
        )
    return out


def _check(kind: str, coordinates: Any, where: str) -> int:
    """Positions in a geometry, after checking its nesting and every position."""
    depth = {
        "Point": 0,
        "MultiPoint": 1,
        "LineString": 1,
        "MultiLineString": 2,
        "Polygon": 2,
        "MultiPolygon": 3,
    }[kind]

    def walk(value: Any, level: int) -> int:
        if level == 0:
            _position(value, where)
            return 1
        if not isinstance(value, list) or not value:
            raise LayerError(f"{where}: {kind} coordinates are not nested as GeoJSON requires")
        if kind in ("LineString", "MultiLineString") and level == 1 and len(value) < 2:
            raise LayerError(f"{where}: a line needs at least 2 positions")
        if kind in ("Polygon", "MultiPolygon") and level == 1:
            if len(value) < 4:
                raise LayerError(f"{where}: a polygon ring needs at least 4 positions")
            if list(value[0])[:2] != list(value[-1])[:2]:
                raise LayerError(f"{where}: a polygon ring must end where it starts")
        return sum(walk(item, level - 1) for item in value)

    return walk(coordinates, depth)


def _position(value: Any, where: str) -> None:
    if not isinstance(value, list) or not 2 <= len(value) <= 3:
        raise LayerError(f"{where}: a position must be [longitude, latitude]")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value):
        raise LayerError(f"{where}: positions must be numbers")
    lon, lat = value[0], value[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise LayerError(f"{where}: position {lon}, {lat} is not a longitude, latitude (WGS 84, lon first)")


def drawable(
    geometry: dict[str, Any],
    *,
    name: str = "",
    colour: str | None = None,
    fill: tuple[int, int, int, int] | None = None,
) -> LayerFeature:
    """A checked lon/lat geometry as the painter wants it."""
    geo = shapely.make_valid(shape(geometry))
    unit = shapely.transform(geo, lambda coords: _project(coords))
    colour = colour if colour and COLOUR.match(colour) else style.LAYER_LINE
    if fill is None:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        fill = (r, g, b, 40)
    return LayerFeature(geometry=unit, name=name, colour=colour, fill=fill)


def _project(coords):
    import numpy as np

    return np.array([unit_xy(lat, lon) for lon, lat in coords]).reshape(-1, 2)


def features_of(parsed: Sequence[ParsedFeature], colour: str | None = None) -> list[LayerFeature]:
    return [drawable(f.geometry, name=f.name, colour=colour) for f in parsed]
