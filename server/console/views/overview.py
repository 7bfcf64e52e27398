"""Overview map: every report in a time range, coloured by state, filterable by kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import flet as ft

from ..errors import InvalidInput
from ..state import KINDS, REVIEW_STATES, STATE_COLOURS, label, point_of, short_time
from .maps import Pin, report_map
from .widgets import dropdown, heading, report_opener, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp


class OverviewView:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.state = app.overview
        self.since = ft.TextField(
            label="From (UTC)", hint_text="2026-03-01", width=170, dense=True, value=_text(self.state.since)
        )
        self.until = ft.TextField(
            label="To (UTC)", hint_text="2026-03-07", width=170, dense=True, value=_text(self.state.until)
        )
        self.kind = dropdown(
            "Kind", [("", "any kind"), *((k, label(k)) for k in KINDS)], self.state.kind, width=220
        )
        self.legend = ft.Row(spacing=14, wrap=True)
        self.map_holder = ft.Container(expand=True)
        self.control = ft.Column(
            [
                heading("Overview map"),
                ft.Row(
                    [
                        tagged(self.since, "overview-since"),
                        tagged(self.until, "overview-until"),
                        tagged(self.kind, "overview-kind"),
                        tagged(
                            ft.Button(content="Show", icon=ft.Icons.MAP, on_click=self.apply),
                            "overview-apply",
                        ),
                    ],
                    wrap=True,
                ),
                tagged(self.legend, "overview-legend"),
                self.map_holder,
            ],
            expand=True,
            spacing=12,
        )

    async def load(self) -> None:
        await self.state.load(self.app.api)
        self.render()

    def render(self) -> None:
        counts = self.state.count_by_state()
        self.legend.controls = [
            ft.Row(
                [
                    ft.Container(width=14, height=14, bgcolor=STATE_COLOURS[s], border_radius=7),
                    ft.Text(f"{label(s)}: {counts.get(s, 0)}"),
                ],
                spacing=4,
                tight=True,
            )
            for s in REVIEW_STATES
        ] + [ft.Text(f"{len(self.state.items)} report(s) on the map", color=ft.Colors.BLUE_GREY_700)]
        pins = []
        for item in self.state.items:
            lat, lon = point_of(item) or (0.0, 0.0)
            pins.append(
                Pin(
                    lat=lat,
                    lon=lon,
                    colour=STATE_COLOURS.get(item.get("state", ""), "bluegrey"),
                    tooltip=" · ".join(
                        (
                            label(item.get("kind")),
                            short_time(item.get("observed_at")),
                            label(item.get("state")),
                        )
                    ),
                    on_click=self._opener(item["record_id"]),
                    identifier=f"map-pin-{item['record_id']}",
                    size=14,
                )
            )
        self.map_holder.content = tagged(
            report_map(pins, height=None, expand=True, max_fit_zoom=8), "overview-map"
        )

    def _opener(self, record_id: str) -> Callable[[ft.Event], Awaitable[None]]:
        return report_opener(self.app, record_id)

    async def apply(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            for field in (self.since, self.until):
                field.error = None
            try:
                await self.state.apply(
                    self.app.api, since=self.since.value, until=self.until.value, kind=self.kind.value or None
                )
            except InvalidInput as exc:
                {"since": self.since, "until": self.until}.get(exc.field, self.since).error = str(exc)
                return
            self.render()

        await self.app.guard(run)


def _text(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
