"""Static PNG maps of the basemap with pins and lines (situation reports' map annex, exports).

    render_map(bounds, size=(800, 500), *, pins=(), lines=(), circles=(), layers=(),
               legend=(), max_zoom=13.0, ss=2) -> bytes

- bounds: ((south, west), (north, east)) in WGS 84 degrees, or None to fit the pins, lines
  and circles (Libya when there are none). The map is centred on the bounds at the largest
  zoom that shows them whole in `size` (never past `max_zoom`), so the picture may show
  more than the bounds on one axis.
- size: (width, height) in pixels of the PNG.
- pins: MapPin(lat, lon, colour, label="") — a dot in a CSS hex colour, the label beside it.
- lines: MapLine(points=[(lat, lon), ...], colour, width=3, label="").
- circles: MapCircle(lat, lon, radius_km, colour) — drawn to scale (geodesic radius).
- layers: LayerFeature's (server.basemap.layers) — the mission's own layers; pass
  `MapLayerStore.features()` to show what every console map shows.
- legend: [(colour, text), ...] drawn in a box at the bottom right.
Returns PNG bytes. Nothing is fetched: land, borders, grid, towns and fonts are shipped.
The signature is stable (new parameters will be keyword-only with defaults).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from . import style
from .draw import Painter, paint_base
from .layers import LayerFeature
from .projection import Viewport, metres_per_pixel

LIBYA_BOUNDS = ((19.5, 9.3), (33.3, 25.2))
Bounds = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class MapPin:
    lat: float
    lon: float
    colour: str = "#1565c0"
    label: str = ""


@dataclass(frozen=True)
class MapLine:
    points: Sequence[tuple[float, float]]
    colour: str = "#c2185b"
    width: float = 3
    label: str = ""


@dataclass(frozen=True)
class MapCircle:
    lat: float
    lon: float
    radius_km: float
    colour: str = "#1976d2"


def render_map(
    bounds: Bounds | None,
    size: tuple[int, int] = (800, 500),
    *,
    pins: Sequence[MapPin] = (),
    lines: Sequence[MapLine] = (),
    circles: Sequence[MapCircle] = (),
    layers: Sequence[LayerFeature] = (),
    legend: Sequence[tuple[str, str]] = (),
    max_zoom: float = 13.0,
    ss: int = 2,
) -> bytes:
    """A PNG map of `bounds` (see the module's docstring for every parameter)."""
    image = render_map_image(
        bounds,
        size,
        pins=pins,
        lines=lines,
        circles=circles,
        layers=layers,
        legend=legend,
        max_zoom=max_zoom,
        ss=ss,
    )
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_map_image(
    bounds: Bounds | None,
    size: tuple[int, int] = (800, 500),
    *,
    pins: Sequence[MapPin] = (),
    lines: Sequence[MapLine] = (),
    circles: Sequence[MapCircle] = (),
    layers: Sequence[LayerFeature] = (),
    legend: Sequence[tuple[str, str]] = (),
    max_zoom: float = 13.0,
    ss: int = 2,
) -> Image.Image:
    """As render_map, the picture as a Pillow image (RGBA)."""
    width, height = int(size[0]), int(size[1])
    if not (16 <= width <= 8000 and 16 <= height <= 8000):
        raise ValueError("a map is 16 to 8000 pixels on each side")
    if bounds is None:
        bounds = fit_bounds(pins, lines, circles)
    view = Viewport.fit(bounds[0], bounds[1], width, height, max_zoom=max_zoom)
    painter = paint_base(view, features=layers, ss=ss)
    for circle in circles:
        _circle(painter, circle)
    for line in lines:
        points = [tuple(c * ss for c in view.pixel(lat, lon)) for lat, lon in line.points]
        if len(points) >= 2:
            painter.draw.line(points, fill=line.colour, width=round(line.width * ss), joint="curve")
        if line.label and points:
            x, y = points[len(points) // 2]
            painter.text(x / ss + 6, y / ss - 8, line.label, size=11, fill=line.colour)
    for pin in pins:
        x, y = view.pixel(pin.lat, pin.lon)
        r = 7 * ss
        painter.draw.ellipse(
            [x * ss - r, y * ss - r, x * ss + r, y * ss + r], fill=pin.colour, outline="white", width=2 * ss
        )
        if pin.label:
            painter.text(x + 9, y - 9, pin.label, size=12, bold=True)
    scale_bar(painter)
    if legend:
        _legend(painter, legend)
    painter.text(view.width - 190, view.height - 16, "Natural Earth · GeoNames", size=9, fill=style.GRID_TEXT)
    return painter.finish()


def fit_bounds(
    pins: Sequence[MapPin] = (), lines: Sequence[MapLine] = (), circles: Sequence[MapCircle] = ()
) -> Bounds:
    points = [(p.lat, p.lon) for p in pins] + [pt for line in lines for pt in line.points]
    for c in circles:
        pad_lat = c.radius_km / 111.32
        pad_lon = pad_lat / max(math.cos(math.radians(c.lat)), 0.01)
        points += [(c.lat - pad_lat, c.lon - pad_lon), (c.lat + pad_lat, c.lon + pad_lon)]
    if not points:
        return LIBYA_BOUNDS
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    pad = 0.05
    return (min(lats) - pad, min(lons) - pad), (max(lats) + pad, max(lons) + pad)


def nice_distance(metres: float) -> float:
    """The largest 1-2-5 × 10^n metres not above `metres` (a scale bar's length)."""
    if metres <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def distance_text(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def scale_bar(painter: Painter, *, max_px: int = 120) -> None:
    view, ss = painter.view, painter.ss
    lat, _ = view.latlon(view.width / 2, view.height / 2)
    per_px = metres_per_pixel(lat, view.zoom)
    metres = nice_distance(per_px * max_px)
    length = metres / per_px
    x0, y0 = 12, view.height - 14
    painter.draw.rectangle(
        [(x0 - 4) * ss, (y0 - 18) * ss, (x0 + length + 6) * ss, (y0 + 6) * ss], fill=(255, 255, 255, 200)
    )
    painter.draw.line([(x0 * ss, y0 * ss), ((x0 + length) * ss, y0 * ss)], fill="black", width=2 * ss)
    for x in (x0, x0 + length):
        painter.draw.line([(x * ss, (y0 - 5) * ss), (x * ss, y0 * ss)], fill="black", width=2 * ss)
    painter.text(x0, y0 - 18, distance_text(metres), size=10, fill="black")


def _circle(painter: Painter, circle: MapCircle) -> None:
    from pygeodesy.ellipsoidalKarney import LatLon

    centre = LatLon(circle.lat, circle.lon)
    ring = [centre.destination(circle.radius_km * 1000.0, bearing) for bearing in range(0, 361, 4)]
    points = [tuple(c * painter.ss for c in painter.view.pixel(p.lat, p.lon)) for p in ring]
    overlay = Image.new("RGBA", painter.image.size, (0, 0, 0, 0))
    from PIL import ImageDraw

    r, g, b = (int(circle.colour[i : i + 2], 16) for i in (1, 3, 5))
    ImageDraw.Draw(overlay).polygon(points, fill=(r, g, b, 36))
    painter.image.alpha_composite(overlay)
    painter.draw.line(points, fill=circle.colour, width=2 * painter.ss)


def _legend(painter: Painter, legend: Sequence[tuple[str, str]]) -> None:
    view, ss = painter.view, painter.ss
    row = 18
    width = 30 + max(style.font(11).getlength(text) for _, text in legend)
    x0, y0 = view.width - width - 10, view.height - 24 - row * len(legend)
    painter.draw.rectangle(
        [x0 * ss, (y0 - 6) * ss, (view.width - 10) * ss, (y0 + row * len(legend)) * ss],
        fill=(255, 255, 255, 225),
        outline=style.BORDER,
        width=ss,
    )
    for index, (colour, text) in enumerate(legend):
        y = y0 + index * row
        painter.draw.ellipse(
            [(x0 + 6) * ss, (y + 2) * ss, (x0 + 18) * ss, (y + 14) * ss],
            fill=colour,
            outline="white",
            width=ss,
        )
        painter.text(x0 + 24, y - 1, text, size=11)
