"""Other devices' reports near a report in place and time: a list and a map, and the
window (km, hours) a verifier can widen or narrow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import flet as ft

from ..errors import InvalidInput
from ..state import STATE_COLOURS, ReportState, label, point_of
from .maps import Pin, report_map
from .widgets import TOUCH_PX, card, report_opener, state_chip, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp


class CorroborationCard:
    def __init__(self, app: ConsoleApp, state: ReportState, *, on_change: Callable[[], None]) -> None:
        self.app = app
        self.state = state
        self.on_change = on_change  # redraws the report once the window's candidates are in
        self.km = ft.TextField(label="Within km", value="10", width=130, dense=True)
        self.hours = ft.TextField(label="Within hours", value="24", width=130, dense=True)

    def control(self) -> ft.Control:
        here = point_of(self.state.detail)
        pins: list[Pin] = []
        if here:
            pins.append(
                Pin(
                    lat=here[0],
                    lon=here[1],
                    colour="black",
                    icon=ft.Icons.STAR,
                    tooltip="this report",
                    size=24,
                )
            )
        rows: list[ft.Control] = []
        for number, other in enumerate(self.state.candidates, start=1):
            where = point_of(other)
            other_id = other.get("record_id", "")
            if where:
                pins.append(
                    Pin(
                        lat=where[0],
                        lon=where[1],
                        colour=STATE_COLOURS.get(other.get("state", ""), "bluegrey"),
                        text=str(number),
                        tooltip=f"{label(other.get('kind'))}, {other.get('distance_km', 0):.1f} km",
                        on_click=self._opener(other_id),
                    )
                )
            hours = other.get("hours_apart") or 0.0
            rows.append(
                tagged(
                    ft.Row(
                        [
                            ft.Text(f"{number}.", width=24, weight=ft.FontWeight.BOLD),
                            ft.Column(
                                [
                                    ft.Row(
                                        [
                                            ft.Text(label(other.get("kind")), size=13),
                                            state_chip(other.get("state")),
                                        ]
                                    ),
                                    ft.Text(
                                        f"{other.get('distance_km', 0):.1f} km · {_hours_text(hours)} · "
                                        f"device {other.get('device_id', '')[:8]}",
                                        size=12,
                                        color=ft.Colors.BLUE_GREY_700,
                                    ),
                                ],
                                spacing=2,
                                expand=True,
                            ),
                            tagged(
                                ft.TextButton(
                                    content="Open", on_click=self._opener(other_id), height=TOUCH_PX
                                ),
                                f"open-{other_id}",
                            ),
                        ],
                        spacing=6,
                    ),
                    f"candidate-{other_id}",
                )
            )
        if not rows:
            rows.append(ft.Text("No other device reported nearby in this window."))
        summary = (
            f"{len(self.state.candidates)} report(s) of related kinds from other devices within "
            f"{self.state.radius_km:g} km and {self.state.window_hours:g} h"
        )
        return card(
            ft.Text("Corroboration", weight=ft.FontWeight.BOLD),
            ft.Row(
                [
                    tagged(self.km, "corroboration-km"),
                    tagged(self.hours, "corroboration-hours"),
                    tagged(
                        ft.Button(content="Search", on_click=self.search, height=TOUCH_PX),
                        "corroboration-search",
                    ),
                ],
                wrap=True,
            ),
            tagged(ft.Text(summary, color=ft.Colors.BLUE_GREY_700), "corroboration-summary"),
            tagged(
                report_map(pins, radius_km=self.state.radius_km, centre=here, height=400), "corroboration-map"
            ),
            ft.Row(
                [
                    ft.Icon(ft.Icons.STAR, size=14),
                    ft.Text("this report; numbers match the list; colours are review states.", size=12),
                ],
                spacing=4,
            ),
            *rows,
        )

    # -- actions --------------------------------------------------------------------------

    def _opener(self, record_id: str) -> Callable[[ft.Event], Awaitable[None]]:
        return report_opener(self.app, record_id)

    async def search(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            self.km.error = self.hours.error = None
            try:
                await self.state.set_window(self.app.api, self.km.value, self.hours.value)
            except InvalidInput as exc:
                {"km": self.km, "hours": self.hours}[exc.field].error = str(exc)
                return
            self.on_change()

        await self.app.guard(run)


def _hours_text(hours: float) -> str:
    sign = "+" if hours >= 0 else "−"
    hours = abs(hours)
    if hours < 1:
        return f"{sign}{hours * 60:.0f} min"
    return f"{sign}{hours:.1f} h"
