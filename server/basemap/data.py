"""The shipped data a basemap is drawn from, read once and kept in memory.

- Countries: Libya and its six neighbours in detail (assets/geo/libya-region.geojson) and the
  countries beyond them at 1:50m (assets/geo/neighbours.geojson), all Natural Earth.
- Places: the gazetteer (sync.places: curated list and GeoNames towns).
Geometries are held in Web Mercator world fractions (projection.unit_xy), so a tile or a
static map only clips and scales them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from sync.assets import ASSETS_DIR
from sync.places import Place, load_places

from .projection import unit_xy

FOCUS_PATH = ASSETS_DIR / "geo" / "libya-region.geojson"
NEIGHBOURS_PATH = ASSETS_DIR / "geo" / "neighbours.geojson"
FOCUS_COUNTRY = "Libya"

# Towns every map of the country names first (largest cities and the ceasefire's hubs);
# other curated towns follow from zoom 6, GeoNames towns from zoom 8.
MAJOR_TOWNS = frozenset(
    {
        "tripoli",
        "benghazi",
        "misrata",
        "sirte",
        "sabha",
        "tobruk",
        "derna",
        "ajdabiya",
        "kufra",
        "ghadames",
        "ghat",
        "bayda",
        "zawiya",
        "ubari",
        "brega",
        "hun",
        "murzuq",
    }
)


@dataclass(frozen=True)
class Country:
    name: str
    geometry: BaseGeometry  # in world fractions
    focus: bool  # Libya
    detailed: bool  # from the 1:10m file (Libya and its neighbours)


@dataclass(frozen=True)
class Town:
    """A gazetteer place as the basemap labels it."""

    id: str
    name: str
    lat: float
    lon: float
    type: str
    min_zoom: int  # not labelled below this zoom
    rank: int  # lower is placed first when labels collide


def _to_unit(geometry: BaseGeometry) -> BaseGeometry:
    def project(coords):
        import numpy as np

        return np.array([unit_xy(lat, lon) for lon, lat in coords])

    return shapely.transform(geometry, lambda coords: project(coords))


@cache
def countries() -> tuple[Country, ...]:
    out: list[Country] = []
    for path, detailed in ((NEIGHBOURS_PATH, False), (FOCUS_PATH, True)):
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
        for feature in collection["features"]:
            name = feature["properties"]["name"]
            geometry = shapely.make_valid(_to_unit(shape(feature["geometry"])))
            out.append(Country(name=name, geometry=geometry, focus=name == FOCUS_COUNTRY, detailed=detailed))
    return tuple(out)


@cache
def simplified_countries(zoom: int) -> tuple[tuple[Country, BaseGeometry], ...]:
    """Countries simplified to half a pixel at a zoom (fewer points for the low zooms)."""
    tolerance = 0.5 / (256 * 2**zoom)
    return tuple((c, c.geometry.simplify(tolerance, preserve_topology=True)) for c in countries())


def town_from(place: Place) -> Town:
    if place.type != "town":
        min_zoom, rank = 8, 2
    elif place.id in MAJOR_TOWNS:
        min_zoom, rank = 4, 0
    elif place.source == "curated":
        min_zoom, rank = 6, 1
    else:
        min_zoom, rank = 8, 3
    return Town(
        id=place.id,
        name=place.name,
        lat=place.lat,
        lon=place.lon,
        type=place.type,
        min_zoom=min_zoom,
        rank=rank,
    )


@cache
def towns() -> tuple[Town, ...]:
    return tuple(town_from(p) for p in load_places())


def towns_of(places: Sequence[Place]) -> tuple[Town, ...]:
    return tuple(town_from(p) for p in places)
