"""Paint a window of the basemap: land, sea, borders, a lat/lon grid, the mission's layers,
towns with labels. Tiles (tiles.py) and static maps (static.py) are both windows.

Drawn at `ss` times the size and scaled down, for smooth edges without anti-aliasing
support in ImageDraw. Labels are placed per zoom over the whole region (labels.py), so a
label that straddles two tiles is drawn at the same place in both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import shapely
from PIL import Image, ImageDraw
from shapely.geometry.base import BaseGeometry

from . import style
from .data import simplified_countries
from .labels import Label, plan_for_view
from .layers import LayerFeature
from .projection import Viewport, world_size

GRID_STEPS = (10.0, 5.0, 2.0, 1.0, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.005)
GRID_MAX_PX = 300  # the widest step that stays under this many pixels: 1-2 lines a tile


class Painter:
    """One window's image being drawn, in window pixels (scaled by `ss` inside)."""

    def __init__(self, view: Viewport, *, ss: int = 2) -> None:
        self.view = view
        self.ss = ss
        self.size = world_size(view.zoom)
        self.image = Image.new("RGBA", (view.width * ss, view.height * ss), style.SEA)
        self.draw = ImageDraw.Draw(self.image)

    # -- coordinates ----------------------------------------------------------------------

    def ring(self, coords: Iterable[Sequence[float]]) -> list[tuple[float, float]]:
        """World fractions to supersampled window pixels."""
        s, ss, left, top = self.size, self.ss, self.view.left, self.view.top
        return [((x * s - left) * ss, (y * s - top) * ss) for x, y, *_ in coords]

    def clipped(self, geometry: BaseGeometry, margin_px: float = 8) -> BaseGeometry | None:
        minx, miny, maxx, maxy = self.view.unit_box(margin_px)
        gx0, gy0, gx1, gy1 = geometry.bounds
        if gx0 > maxx or gx1 < minx or gy0 > maxy or gy1 < miny:
            return None
        part = shapely.clip_by_rect(geometry, minx, miny, maxx, maxy)
        return None if part.is_empty else part

    # -- layers of the picture --------------------------------------------------------------

    def countries(self) -> None:
        zoom = max(0, min(18, int(math.floor(self.view.zoom))))
        borders = []
        for country, geometry in simplified_countries(zoom):
            part = self.clipped(geometry)
            if part is None:
                continue
            fill = style.FOCUS if country.focus else style.LAND
            for polygon in _polygons(part):
                self.draw.polygon(self.ring(polygon.exterior.coords), fill=fill)
                for hole in polygon.interiors:
                    self.draw.polygon(self.ring(hole.coords), fill=style.SEA)
            borders.append((country, part))
        # Outlines after every fill, so a neighbour's fill never covers a shared border.
        for country, part in borders:
            width = (2 if country.focus else 1) * self.ss
            for polygon in _polygons(part):
                self.draw.line(
                    self.ring(polygon.exterior.coords), fill=style.BORDER, width=width, joint="curve"
                )

    def grid(self, *, label_every: tuple[bool, bool] = (True, True)) -> None:
        """Parallels and meridians every few degrees (1-2 lines a tile). `label_every` says
        whether this window labels its meridians (at its top) and its parallels (at its
        left): tiles label only every third row and column, so labels do not repeat every
        256 pixels."""
        label_meridians, label_parallels = label_every
        (south, west), (north, east) = self.view.bounds()
        step = grid_step(self.view.zoom)
        face = style.font(10 * self.ss)
        w, h = self.view.width * self.ss, self.view.height * self.ss
        lon = math.floor(west / step) * step
        while lon <= east:
            x, _ = self.view.pixel(0.0, lon)
            self.draw.line([(x * self.ss, 0), (x * self.ss, h)], fill=style.GRID, width=self.ss)
            if label_meridians:
                self._grid_text(x * self.ss + 3 * self.ss, 2 * self.ss, _degrees(lon, "E", "W", step), face)
            lon += step
        lat = math.floor(south / step) * step
        while lat <= north:
            _, y = self.view.pixel(lat, west)
            self.draw.line([(0, y * self.ss), (w, y * self.ss)], fill=style.GRID, width=self.ss)
            if label_parallels:
                self._grid_text(3 * self.ss, y * self.ss - 14 * self.ss, _degrees(lat, "N", "S", step), face)
            lat += step

    def _grid_text(self, x: float, y: float, text: str, face) -> None:
        self.draw.text(
            (x, y), text, font=face, fill=style.GRID_TEXT, stroke_width=self.ss, stroke_fill=style.LABEL_HALO
        )

    def layers(self, features: Sequence[LayerFeature]) -> None:
        """The mission's own layers (and the agreement's registers): areas, lines, points."""
        overlay = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        pen = ImageDraw.Draw(overlay)
        for feature in features:
            part = self.clipped(feature.geometry, margin_px=16)
            if part is None:
                continue
            for polygon in _polygons(part):
                pen.polygon(self.ring(polygon.exterior.coords), fill=feature.fill)
                for hole in polygon.interiors:
                    pen.polygon(self.ring(hole.coords), fill=(0, 0, 0, 0))
        self.image.alpha_composite(overlay)
        for feature in features:
            part = self.clipped(feature.geometry, margin_px=16)
            if part is None:
                continue
            width = 2 * self.ss
            for polygon in _polygons(part):
                self.draw.line(
                    self.ring(polygon.exterior.coords), fill=feature.colour, width=width, joint="curve"
                )
            for line in _lines(part):
                self.draw.line(
                    self.ring(line.coords), fill=feature.colour, width=width + self.ss, joint="curve"
                )
            for point in _points(part):
                ((x, y),) = self.ring(point.coords)
                r = 5 * self.ss
                self.draw.rectangle(
                    [x - r, y - r, x + r, y + r], fill=feature.colour, outline="white", width=self.ss
                )
                if feature.name:
                    self.text(x / self.ss + 8, y / self.ss - 7, feature.name, size=11, fill=feature.colour)

    def towns(self, labels: Sequence[Label]) -> None:
        for label in labels:
            x, y = label.x - self.view.left, label.y - self.view.top
            r = label.dot * self.ss / 2
            sx, sy = x * self.ss, y * self.ss
            if label.dot:
                square = label.kind != "town"
                shape = [sx - r, sy - r, sx + r, sy + r]
                (self.draw.rectangle if square else self.draw.ellipse)(
                    shape, fill=style.TOWN, outline="white", width=self.ss
                )
            self.text(
                label.box[0] - self.view.left,
                label.box[1] - self.view.top,
                label.text,
                size=label.size,
                bold=label.bold,
                fill=label.colour,
            )

    def text(self, x: float, y: float, text: str, *, size: int, bold: bool = False, fill=style.TOWN) -> None:
        self.draw.text(
            (x * self.ss, y * self.ss),
            text,
            font=style.font(size * self.ss, bold=bold),
            fill=fill,
            stroke_width=2 * self.ss,
            stroke_fill=style.LABEL_HALO,
        )

    def finish(self) -> Image.Image:
        if self.ss == 1:
            return self.image
        return self.image.resize((self.view.width, self.view.height), Image.Resampling.LANCZOS)


def paint_base(
    view: Viewport,
    *,
    features: Sequence[LayerFeature] = (),
    ss: int = 2,
    grid: bool = True,
    grid_labels: tuple[bool, bool] = (True, True),
    labels: Sequence[Label] | None = None,
) -> Painter:
    """Everything but pins: what a tile holds, and the ground of a static map."""
    painter = Painter(view, ss=ss)
    painter.countries()
    if grid:
        painter.grid(label_every=grid_labels)
    painter.layers(features)
    painter.towns(plan_for_view(view) if labels is None else labels)
    return painter


def grid_step(zoom: float) -> float:
    """Degrees between grid lines at a zoom (the same for every tile of that zoom)."""
    per_degree = world_size(zoom) / 360.0
    return next((s for s in GRID_STEPS if s * per_degree <= GRID_MAX_PX), GRID_STEPS[-1])


def _degrees(value: float, positive: str, negative: str, step: float) -> str:
    decimals = 0 if step >= 1 else (1 if step >= 0.1 else 2)
    hemisphere = positive if value >= 0 else negative
    return f"{abs(value):.{decimals}f}°{hemisphere}"


def _polygons(geometry: BaseGeometry):
    kind = geometry.geom_type
    if kind == "Polygon":
        yield geometry
    elif kind in ("MultiPolygon", "GeometryCollection"):
        for part in geometry.geoms:
            yield from _polygons(part)


def _lines(geometry: BaseGeometry):
    kind = geometry.geom_type
    if kind in ("LineString", "LinearRing"):
        yield geometry
    elif kind in ("MultiLineString", "GeometryCollection"):
        for part in geometry.geoms:
            yield from _lines(part)


def _points(geometry: BaseGeometry):
    kind = geometry.geom_type
    if kind == "Point":
        yield geometry
    elif kind in ("MultiPoint", "GeometryCollection"):
        for part in geometry.geoms:
            yield from _points(part)
