"""Administration: the mission's own map layers (GeoJSON pasted or dropped in as text: agreed
lines, areas, camps), which every map then shows. A section of the administration page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from ..map_layer_state import DEFAULT_COLOUR, MapLayerState
from ..state import short_time
from .widgets import card, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp


class MapLayersSection:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.state = MapLayerState()
        self.name = ft.TextField(label="Layer name", width=220, dense=True)
        self.colour = ft.TextField(label="Colour (#rrggbb)", value=DEFAULT_COLOUR, width=150, dense=True)
        self.geojson = ft.TextField(
            label="GeoJSON (FeatureCollection, lon/lat, at most 1 MB)",
            multiline=True,
            min_lines=3,
            max_lines=8,
            dense=True,
        )
        self.notice = ft.Text("", color=ft.Colors.BLUE_GREY_700)
        self.rows = ft.Column(spacing=4)
        self.control = card(
            ft.Text("Map layers", weight=ft.FontWeight.BOLD),
            ft.Text(
                "The mission's own lines, areas and camps, drawn on every map (console and reports). "
                "Registers' lines, areas and camps are drawn too."
            ),
            ft.Row(
                [
                    tagged(self.name, "layer-name"),
                    tagged(self.colour, "layer-colour"),
                    tagged(
                        ft.Button(content="Add layer", icon=ft.Icons.LAYERS, on_click=self.add),
                        "layer-add",
                    ),
                ],
                wrap=True,
            ),
            tagged(self.geojson, "layer-geojson"),
            tagged(self.notice, "layer-notice"),
            self.rows,
        )

    async def load(self) -> None:
        await self.state.load(self.app.api)
        self.render()

    def render(self) -> None:
        self.notice.value = self.state.notice
        self.rows.controls = [self._row(layer) for layer in self.state.layers] or [
            ft.Text("No layer uploaded yet.", size=12)
        ]

    def _row(self, layer: dict[str, Any]) -> ft.Control:
        async def delete(_event: ft.Event) -> None:
            async def run() -> None:
                await self.state.delete(self.app.api, layer["id"])
                self.render()

            await self.app.guard(run)
            self.control.update()

        return tagged(
            ft.Row(
                [
                    ft.Container(width=14, height=14, bgcolor=layer["colour"], border_radius=3),
                    ft.Text(layer["name"], weight=ft.FontWeight.BOLD, expand=True),
                    ft.Text(f"{layer['feature_count']} feature(s)", size=12),
                    ft.Text(f"{layer['created_by']}, {short_time(layer['created_at'])}", size=12),
                    tagged(ft.TextButton(content="Remove", on_click=delete), f"layer-remove-{layer['id']}"),
                ],
                wrap=True,
            ),
            f"layer-{layer['id']}",
        )

    async def add(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            self.geojson.error = None
            await self.state.add(
                self.app.api,
                name=self.name.value or "",
                colour=self.colour.value or "",
                geojson=self.geojson.value or "",
            )
            self.name.value = self.geojson.value = ""
            self.render()

        if not await self.app.guard(run):
            self.geojson.error = "Not added: see the message above."
        self.control.update()
