"""The map annex: every report of the period as a dot coloured by kind, the agreement's lines
and areas, on the offline basemap (server/basemap: land, sea, borders, labelled towns)."""

from collections.abc import Iterable
from typing import Any

from ..basemap import MapLine, MapPin, render_map
from ..basemap.static import LIBYA_BOUNDS
from . import labels as L

KIND_COLOURS = {
    "violation": "#c62828",
    "unit_movement": "#1565c0",
    "withdrawal": "#2e7d32",
    "foreign_fighters": "#6a1b9a",
    "heavy_weapons": "#ef6c00",
    "movement_restriction": "#00838f",
    "other": "#546e7a",
}
SHAPE_COLOURS = {
    "withdrawal_line": "#b71c1c",
    "agreed_line": "#4a148c",
    "demilitarised_area": "#f57f17",
    "area_of_responsibility": "#37474f",
}
SIZE = (1400, 1000)


def render_annex(reports: Iterable[dict[str, Any]], shapes: list[dict[str, Any]]) -> bytes:
    pins = [MapPin(r["lat"], r["lon"], KIND_COLOURS.get(r["kind"], "#546e7a")) for r in reports]
    lines: list[MapLine] = []
    for shape in shapes:
        colour = SHAPE_COLOURS.get(shape["type"], "#37474f")
        name = shape["name_en"]  # the basemap draws Latin labels
        width = 4 if shape["type"] in ("withdrawal_line", "agreed_line") else 2
        for ring in _rings(shape["geometry"]):
            lines.append(MapLine([(lat, lon) for lon, lat, *_ in ring], colour, width, name))
            name = ""  # one label per shape
    kinds = sorted({r for r in KIND_COLOURS if any(p.colour == KIND_COLOURS[r] for p in pins)})
    # The basemap draws its labels and legend in Latin type: the legend is English in both editions.
    legend = [(KIND_COLOURS[k], L.kind("en", k)) for k in kinds]
    bounds = None if pins else LIBYA_BOUNDS  # no report: the whole mission area
    return render_map(bounds, SIZE, pins=pins, lines=lines, legend=legend, max_zoom=9.0)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "LineString":
        return [coordinates]
    if kind == "MultiLineString":
        return list(coordinates)
    if kind == "Polygon":
        return list(coordinates[:1])
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in coordinates if polygon]
    return []
