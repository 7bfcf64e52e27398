"""Web Mercator (EPSG:3857) as slippy-map tiles use it, in "world pixels".

At zoom z the world is 256·2^z pixels square; x grows east from 180°W, y grows south from
85.05°N. Tiles (z, x, y) are the 256-pixel squares of that world, as flet-map's TileLayer
asks for them. Fractional zooms are allowed (the static renderer fits any bounds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TILE = 256
MAX_LAT = 85.05112878
EARTH_CIRCUMFERENCE_M = 40_075_016.686


def unit_xy(lat: float, lon: float) -> tuple[float, float]:
    """A point as a fraction (0..1) of the world's width and height."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    s = math.sin(math.radians(lat))
    return (lon + 180.0) / 360.0, 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def unit_latlon(x: float, y: float) -> tuple[float, float]:
    """The inverse of unit_xy."""
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))
    return lat, x * 360.0 - 180.0


def world_size(zoom: float) -> float:
    return TILE * 2.0**zoom


def metres_per_pixel(lat: float, zoom: float) -> float:
    """Ground distance of one pixel at a latitude (what the scale bar is drawn from)."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / world_size(zoom)


@dataclass(frozen=True)
class Viewport:
    """A window on the world at one zoom: its top-left corner in world pixels and its size."""

    zoom: float
    left: float
    top: float
    width: int
    height: int

    @classmethod
    def tile(cls, z: int, x: int, y: int) -> Viewport:
        return cls(zoom=z, left=x * TILE, top=y * TILE, width=TILE, height=TILE)

    @classmethod
    def fit(
        cls,
        south_west: tuple[float, float],
        north_east: tuple[float, float],
        width: int,
        height: int,
        *,
        padding: int = 24,
        max_zoom: float = 13.0,
    ) -> Viewport:
        """The largest zoom that shows the bounds inside the size, centred."""
        (x0, y1), (x1, y0) = unit_xy(*south_west), unit_xy(*north_east)
        span_x, span_y = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
        usable_w, usable_h = max(width - 2 * padding, 16), max(height - 2 * padding, 16)
        zoom = min(math.log2(usable_w / (span_x * TILE)), math.log2(usable_h / (span_y * TILE)), max_zoom)
        size = world_size(zoom)
        cx, cy = (x0 + x1) / 2 * size, (y0 + y1) / 2 * size
        return cls(zoom=zoom, left=cx - width / 2, top=cy - height / 2, width=width, height=height)

    def pixel(self, lat: float, lon: float) -> tuple[float, float]:
        """Where a point falls in this window (may be outside it)."""
        ux, uy = unit_xy(lat, lon)
        size = world_size(self.zoom)
        return ux * size - self.left, uy * size - self.top

    def latlon(self, px: float, py: float) -> tuple[float, float]:
        size = world_size(self.zoom)
        return unit_latlon((px + self.left) / size, (py + self.top) / size)

    def unit_box(self, margin_px: float = 0.0) -> tuple[float, float, float, float]:
        """This window (grown by a margin) in world fractions: minx, miny, maxx, maxy."""
        size = world_size(self.zoom)
        return (
            (self.left - margin_px) / size,
            (self.top - margin_px) / size,
            (self.left + self.width + margin_px) / size,
            (self.top + self.height + margin_px) / size,
        )

    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """South-west and north-east corners (lat, lon)."""
        south, west = self.latlon(0, self.height)
        north, east = self.latlon(self.width, 0)
        return (south, west), (north, east)
