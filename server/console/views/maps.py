"""The console's maps: the server's own basemap tiles, pins clustered by zoom, a legend, a
scale bar and the corroboration circle to scale (flet-map).

The ground (land, sea, borders, lat/lon grid, gazetteer towns, the mission's layers) is a
TileLayer whose tiles the server draws (server/basemap, route `<mount>/tiles/...`), so a map
sends only a URL and its pins over the websocket, never outlines, and no tile or font ever
comes from the internet. Pins that overlap at the current zoom are drawn as one cluster
with its count; the map listens to its camera (debounced) and re-clusters when the whole
zoom changes; a click on a cluster zooms to where it splits.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import flet as ft
import flet_map as fm

from server.basemap.clusters import cluster, split_zoom
from server.basemap.projection import Viewport, metres_per_pixel
from server.basemap.static import distance_text, nice_distance

from ..geo import LIBYA_CENTER, LIBYA_ZOOM, bounds
from ..state import STATE_COLOURS, label
from ..tiles_source import tile_url

SEA = "#c9dde8"  # the tiles' sea, shown while tiles load
MAX_ZOOM = 16
MIN_ZOOM = 3
SETTLE_SECONDS = 0.3  # the camera must rest this long before the pins are re-clustered
SCALE_MAX_PX = 110
CLUSTER_COLOUR = "#37474f"
# Camera changes the program made (not the user's gestures): the fit may still follow size.
PROGRAM_SOURCES = {
    fm.MapEventSource.MAP_CONTROLLER,
    fm.MapEventSource.FIT_CAMERA,
    fm.MapEventSource.NON_ROTATED_SIZE_CHANGE,
    fm.MapEventSource.INTERACTIVE_FLAGS_CHANGED,
    fm.MapEventSource.CUSTOM,
}


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
    clusters: bool = True  # False keeps a pin apart (this report's own star)


def report_map(
    pins: Sequence[Pin],
    *,
    radius_km: float | None = None,
    centre: tuple[float, float] | None = None,
    height: float | None = 380,
    expand: bool | int | None = None,
    max_fit_zoom: float = 13,
    legend: Sequence[tuple[str, str]] | None = None,
) -> ft.Control:
    """The basemap, an optional search circle of `radius_km` around `centre`, and the pins,
    fitted to view. `legend` is [(colour, text)]; by default the review states the pins'
    colours stand for."""
    return ReportMap(
        pins, radius_km=radius_km, centre=centre, height=height, expand=expand, max_fit_zoom=max_fit_zoom, legend=legend
    ).control


class ReportMap:
    def __init__(
        self,
        pins: Sequence[Pin],
        *,
        radius_km: float | None,
        centre: tuple[float, float] | None,
        height: float | None,
        expand: bool | int | None,
        max_fit_zoom: float,
        legend: Sequence[tuple[str, str]] | None,
    ) -> None:
        self.pins = list(pins)
        self.points = [(p.lat, p.lon) for p in self.pins]
        self.markers = fm.MarkerLayer(markers=[])
        layers: list[fm.MapLayer] = [
            fm.TileLayer(
                url_template=tile_url(),
                tile_size=256,
                min_native_zoom=0,
                max_native_zoom=14,
                max_zoom=MAX_ZOOM,
                user_agent_package_name="fieldapp-console",
            )
        ]
        if radius_km and centre:
            layers.append(
                fm.CircleLayer(
                    circles=[
                        fm.CircleMarker(
                            coordinates=fm.MapLatitudeLongitude(*centre),
                            radius=radius_km * 1000.0,  # metres on the ground: to scale at any zoom
                            use_radius_in_meter=True,
                            color=ft.Colors.with_opacity(0.12, ft.Colors.BLUE_700),
                            border_color=ft.Colors.BLUE_700,
                            border_stroke_width=1.5,
                        )
                    ]
                )
            )
        layers.append(self.markers)
        fit_points = list(self.points)
        if centre and radius_km:
            pad = radius_km / 111.0  # degrees of latitude per km, so the whole circle shows
            pad_lon = pad / max(math.cos(math.radians(centre[0])), 0.01)
            fit_points += [(centre[0] - pad, centre[1] - pad_lon), (centre[0] + pad, centre[1] + pad_lon)]
        fit = None
        self.zoom, self.lat = LIBYA_ZOOM, LIBYA_CENTER[0]
        self.fit_bounds: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.max_fit_zoom = max_fit_zoom
        self._user_moved = False
        self.size: tuple[int, int] | None = None  # the map's pixels, once the browser says
        if fit_points:
            (south, west), (north, east) = bounds(fit_points, pad_deg=0.02)
            fit = fm.CameraFit(
                bounds=fm.MapLatitudeLongitudeBounds(
                    corner_1=fm.MapLatitudeLongitude(south, west), corner_2=fm.MapLatitudeLongitude(north, east)
                ),
                padding=ft.Padding.all(30),
                max_zoom=max_fit_zoom,
            )
            # The zoom the fit will land on for a map about this size; the first camera event
            # corrects it (the scale bar and clusters need a zoom before the browser says one).
            self.fit_bounds = ((south, west), (north, east))
            guess = Viewport.fit((south, west), (north, east), 640, int(height or 480), padding=30)
            self.zoom, self.lat = min(guess.zoom, max_fit_zoom), (south + north) / 2
        self.map = fm.Map(
            layers=layers,
            bgcolor=SEA,
            initial_center=fm.MapLatitudeLongitude(*LIBYA_CENTER),
            initial_zoom=LIBYA_ZOOM,
            initial_camera_fit=fit,
            min_zoom=MIN_ZOOM,
            max_zoom=MAX_ZOOM,
            interaction_configuration=fm.InteractionConfiguration(
                flags=fm.InteractionFlag.ALL & ~fm.InteractionFlag.ROTATE
            ),
            on_event=self._camera_moved,
            on_size_change=self._resized,
            expand=True,
        )
        self.cluster_zoom = -1
        self._settling: asyncio.Task | None = None
        self.scale_text = ft.Text("", size=11, color=ft.Colors.BLACK)
        self.scale_bar = ft.Container(height=4, bgcolor=ft.Colors.BLACK, width=SCALE_MAX_PX)
        self._recluster()
        self._rescale()
        overlays: list[ft.Control] = [self.map, _positioned(self._scale(), left=8, bottom=8)]
        entries = list(legend) if legend is not None else _state_legend(self.pins)
        if entries:
            overlays.append(_positioned(tagged_legend(entries), right=8, top=8))
        overlays.append(
            _positioned(ft.Text("Natural Earth · GeoNames", size=9, color=ft.Colors.BLUE_GREY_700), right=8, bottom=4)
        )
        self.control = ft.Container(
            content=ft.Stack(overlays, expand=True),
            height=height,
            expand=expand,
            border=ft.Border.all(1, ft.Colors.BLUE_GREY_200),
            border_radius=8,
            clip_behavior=ft.ClipBehavior.HARD_EDGE,
        )

    # -- clusters -------------------------------------------------------------------------

    def _recluster(self) -> bool:
        """Markers for the current whole zoom; False when they are already those."""
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, int(math.floor(self.zoom + 1e-6))))
        if zoom == self.cluster_zoom:
            return False
        self.cluster_zoom = zoom
        apart = [i for i, p in enumerate(self.pins) if not p.clusters]
        together = [i for i, p in enumerate(self.pins) if p.clusters]
        markers = [_marker(self.pins[i]) for i in apart]
        groups = cluster([self.points[i] for i in together], zoom) if zoom < MAX_ZOOM else []
        if zoom >= MAX_ZOOM:
            markers += [_marker(self.pins[i]) for i in together]
        for group in groups:
            members = [together[m] for m in group.members]
            if len(members) == 1:
                markers.append(_marker(self.pins[members[0]]))
            else:
                markers.append(self._cluster_marker(members, group.lat, group.lon, zoom))
        self.markers.markers = markers
        return True

    def _cluster_marker(self, members: list[int], lat: float, lon: float, zoom: int) -> fm.Marker:
        pins = [self.pins[m] for m in members]
        colours: dict[str, int] = {}
        for pin in pins:
            colours[pin.colour] = colours.get(pin.colour, 0) + 1
        main = max(colours, key=lambda c: colours[c]) if len(colours) == 1 else CLUSTER_COLOUR
        names = {colour: label(state) for state, colour in STATE_COLOURS.items()}
        tooltip = f"{len(pins)} reports: " + ", ".join(
            f"{n} {names.get(c, 'other')}" for c, n in sorted(colours.items(), key=lambda kv: -kv[1])
        )
        member_points = [self.points[m] for m in members]
        target = split_zoom(member_points, zoom, max_zoom=MAX_ZOOM)
        if self.size is not None:
            # Not past where the members still fill the map: on a small map they would
            # otherwise leave the view as they split.
            lats, lons = [p[0] for p in member_points], [p[1] for p in member_points]
            fits = Viewport.fit((min(lats), min(lons)), (max(lats), max(lons)), *self.size, padding=30).zoom
            target = max(zoom + 1, min(target, int(math.floor(fits))))
        size = 26 + min(14, 3 * math.log2(len(pins)))

        async def zoom_in(_event: ft.Event) -> None:
            self._user_moved = True
            await self.map.move_to(destination=fm.MapLatitudeLongitude(lat, lon), zoom=target)
            self.zoom = target
            self._settled()

        dot = ft.Container(
            content=ft.Text(str(len(pins)), size=12, color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD),
            alignment=ft.Alignment.CENTER,
            width=size,
            height=size,
            bgcolor=main,
            border=ft.Border.all(3, ft.Colors.with_opacity(0.6, ft.Colors.WHITE)),
            border_radius=size / 2,
            tooltip=tooltip,
            on_click=zoom_in,
        )
        content = ft.Semantics(content=dot, identifier=f"map-cluster-{len(pins)}", button=True, label=tooltip)
        return fm.Marker(content=content, coordinates=fm.MapLatitudeLongitude(lat, lon), width=size, height=size)

    # -- camera -----------------------------------------------------------------------------

    async def _resized(self, event: ft.LayoutSizeChangeEvent) -> None:
        """The map's size is known (or changed): fit the camera to the pins ourselves until
        the user moves it (flet-map's own fit runs before the layout and can miss on a
        narrow page), and know the zoom it lands on."""
        if event.width < 16 or event.height < 16:
            return
        self.size = (int(event.width), int(event.height))
        if self._user_moved or self.fit_bounds is None:
            return
        fitted = Viewport.fit(*self.fit_bounds, int(event.width), int(event.height), padding=30)
        zoom = max(MIN_ZOOM, min(fitted.zoom, self.max_fit_zoom))
        (south, west), (north, east) = self.fit_bounds
        centre = Viewport.fit((south, west), (north, east), 256, 256, max_zoom=zoom).latlon(128, 128)
        self.zoom, self.lat = zoom, centre[0]
        self._settled()
        try:
            await self.map.move_to(destination=fm.MapLatitudeLongitude(*centre), zoom=zoom)
        except (RuntimeError, AssertionError):
            pass  # the map left the page meanwhile

    async def _camera_moved(self, event: fm.MapEvent) -> None:
        camera = getattr(event, "camera", None)
        if camera is None:
            return
        if getattr(event, "source", None) not in PROGRAM_SOURCES:
            self._user_moved = True
        self.zoom, self.lat = float(camera.zoom), float(camera.center.latitude)
        if self._settling is None or self._settling.done():
            self._settling = asyncio.create_task(self._settle())

    async def _settle(self) -> None:
        """Wait until the camera rests (events keep coming while it moves), then redraw."""
        while True:
            seen = (self.zoom, self.lat)
            await asyncio.sleep(SETTLE_SECONDS)
            if seen == (self.zoom, self.lat):
                break
        self._settled()

    def _settled(self) -> None:
        changed = self._recluster()
        rescaled = self._rescale()
        try:
            if changed:
                self.markers.update()
            if rescaled:
                self.scale_text.update()
                self.scale_bar.update()
        except (RuntimeError, AssertionError):
            pass  # the map left the page while the camera settled

    def _rescale(self) -> bool:
        per_px = metres_per_pixel(self.lat, self.zoom)
        metres = nice_distance(per_px * SCALE_MAX_PX)
        text, width = distance_text(metres), max(8, round(metres / per_px))
        if (text, width) == (self.scale_text.value, self.scale_bar.width):
            return False
        self.scale_text.value, self.scale_bar.width = text, width
        return True

    def _scale(self) -> ft.Control:
        return ft.Semantics(
            identifier="map-scale",
            content=ft.Container(
                content=ft.Column([self.scale_text, self.scale_bar], spacing=1, tight=True),
                bgcolor=ft.Colors.with_opacity(0.8, ft.Colors.WHITE),
                padding=ft.Padding.symmetric(horizontal=6, vertical=3),
                border_radius=4,
            ),
        )


def tagged_legend(entries: Sequence[tuple[str, str]]) -> ft.Control:
    rows = [
        ft.Row(
            [
                ft.Container(width=12, height=12, bgcolor=colour, border_radius=6),
                ft.Text(text, size=11, color=ft.Colors.BLACK),
            ],
            spacing=4,
            tight=True,
        )
        for colour, text in entries
    ]
    return ft.Semantics(
        identifier="map-legend",
        content=ft.Container(
            content=ft.Column(rows, spacing=2, tight=True),
            bgcolor=ft.Colors.with_opacity(0.88, ft.Colors.WHITE),
            padding=6,
            border_radius=6,
            border=ft.Border.all(1, ft.Colors.BLUE_GREY_200),
        ),
    )


def _state_legend(pins: Sequence[Pin]) -> list[tuple[str, str]]:
    """The review states whose colours the pins use, in the states' order."""
    used = {p.colour for p in pins}
    return [(colour, label(state)) for state, colour in STATE_COLOURS.items() if colour in used]


def _positioned(control: ft.Control, **where: float) -> ft.Control:
    return ft.Container(content=control, **where)


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
