"""Maps drawn on the offline outline of Libya and its neighbours (flet-map, no tile layer).

The base layer is the Natural Earth outline in assets/geo, drawn as polygons on a plain
background; no TileLayer is ever added, so a map never asks the internet for anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import flet as ft
import flet_map as fm

from ..geo import LIBYA_CENTER, LIBYA_ZOOM, bounds, load_outline

SEA = "#dbe7ee"  # also whatever lies beyond the seven countries
LAND = "#f3efe3"
LIBYA = "#ebe3c9"
BORDER = "#8c7f62"


@dataclass(frozen=True)
class Pin:
    """One report on a map."""

    lat: float
    lon: float
    colour: str
    text: str = ""  # short label drawn inside the pin
    icon: ft.IconData | None = None  # drawn instead of the text
    tooltip: str = ""
    on_click: Callable | None = None
    identifier: str | None = None
    size: float = 22


def base_layer() -> fm.PolygonLayer:
    polygons = []
    for country in load_outline():
        fill = LIBYA if country.name == "Libya" else LAND
        for ring in country.rings:
            polygons.append(
                fm.PolygonMarker(
                    coordinates=[fm.MapLatitudeLongitude(lat, lon) for lat, lon in ring],
                    color=fill,
                    border_color=BORDER,
                    border_stroke_width=1.2 if country.name == "Libya" else 0.8,
                )
            )
    return fm.PolygonLayer(polygons=polygons, polygon_labels=False, simplification_tolerance=0.5)


def report_map(
    pins: Sequence[Pin],
    *,
    radius_km: float | None = None,
    centre: tuple[float, float] | None = None,
    height: float | None = 380,
    expand: bool | int | None = None,
    max_fit_zoom: float = 13,
) -> ft.Control:
    """The outline, an optional search circle around `centre`, and the pins, fitted to view."""
    layers: list[fm.MapLayer] = [base_layer()]
    if radius_km and centre:
        layers.append(
            fm.CircleLayer(
                circles=[
                    fm.CircleMarker(
                        coordinates=fm.MapLatitudeLongitude(*centre),
                        radius=radius_km * 1000.0,
                        use_radius_in_meter=True,
                        color=ft.Colors.with_opacity(0.12, ft.Colors.BLUE_700),
                        border_color=ft.Colors.BLUE_700,
                        border_stroke_width=1,
                    )
                ]
            )
        )
    layers.append(fm.MarkerLayer(markers=[_marker(pin) for pin in pins]))
    points = [(p.lat, p.lon) for p in pins]
    if centre and radius_km:
        pad = radius_km / 111.0  # degrees of latitude per km, so the whole circle shows
        points += [(centre[0] - pad, centre[1] - pad), (centre[0] + pad, centre[1] + pad)]
    fit = None
    if points:
        (south, west), (north, east) = bounds(points, pad_deg=0.02)
        fit = fm.CameraFit(
            bounds=fm.MapLatitudeLongitudeBounds(
                corner_1=fm.MapLatitudeLongitude(south, west), corner_2=fm.MapLatitudeLongitude(north, east)
            ),
            padding=ft.Padding.all(30),
            max_zoom=max_fit_zoom,
        )
    the_map = fm.Map(
        layers=layers,
        bgcolor=SEA,
        initial_center=fm.MapLatitudeLongitude(*LIBYA_CENTER),
        initial_zoom=LIBYA_ZOOM,
        initial_camera_fit=fit,
        min_zoom=3,
        max_zoom=16,
        interaction_configuration=fm.InteractionConfiguration(
            flags=fm.InteractionFlag.ALL & ~fm.InteractionFlag.ROTATE
        ),
    )
    return ft.Container(
        content=the_map,
        height=height,
        expand=expand,
        border=ft.Border.all(1, ft.Colors.BLUE_GREY_200),
        border_radius=8,
        clip_behavior=ft.ClipBehavior.HARD_EDGE,
    )


def _marker(pin: Pin) -> fm.Marker:
    inner: ft.Control | None = None
    if pin.icon:
        inner = ft.Icon(pin.icon, size=pin.size * 0.62, color=ft.Colors.WHITE)
    elif pin.text:
        inner = ft.Text(pin.text, size=10, color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD)
    dot = ft.Container(
        content=inner,
        alignment=ft.Alignment.CENTER,
        width=pin.size,
        height=pin.size,
        bgcolor=pin.colour,
        border=ft.Border.all(2, ft.Colors.WHITE),
        border_radius=pin.size / 2,
        tooltip=pin.tooltip or None,
        on_click=pin.on_click,
    )
    content: ft.Control = ft.Semantics(content=dot, identifier=pin.identifier) if pin.identifier else dot
    return fm.Marker(
        content=content,
        coordinates=fm.MapLatitudeLongitude(pin.lat, pin.lon),
        width=pin.size,
        height=pin.size,
    )
