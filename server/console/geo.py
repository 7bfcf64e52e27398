"""Geography for the console: the offline base map outline and map bounds.

The outline is Natural Earth data shipped in assets/geo/ (see its README); nothing here
fetches tiles or touches the network. Distances and MGRS are `sync.geo`'s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sync.assets import ASSETS_DIR

OUTLINE_PATH = ASSETS_DIR / "geo" / "libya-region.geojson"

# Centre and zoom that show Libya with a margin of its neighbours.
LIBYA_CENTER = (27.0, 17.5)
LIBYA_ZOOM = 4.6


@dataclass(frozen=True)
class CountryOutline:
    """One country's rings as (lat, lon) lists: outer rings and holes alike."""

    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@cache
def load_outline(path: Path = OUTLINE_PATH) -> tuple[CountryOutline, ...]:
    """The shipped outline (GeoJSON is lon/lat; flet-map wants lat/lon)."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    countries = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        rings = tuple(tuple((lat, lon) for lon, lat in ring) for polygon in polygons for ring in polygon)
        countries.append(CountryOutline(name=feature["properties"]["name"], rings=rings))
    return tuple(countries)


def bounds(points: list[tuple[float, float]], *, pad_deg: float = 0.05) -> tuple[tuple[float, float], ...]:
    """South-west and north-east corners around points, padded so a lone point gets an area."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return (min(lats) - pad_deg, min(lons) - pad_deg), (max(lats) + pad_deg, max(lons) + pad_deg)
