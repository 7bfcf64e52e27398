"""Log alarms: what devices found wrong with this server's transparency log (admins only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from .widgets import card, heading, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp
    from ..log_alarms import LogAlarm


class AlarmsView:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.state = app.log_alarms
        self.summary = ft.Text("")
        self.items = ft.Column(spacing=10)
        self.control = ft.Column(
            [
                heading("Log alarms"),
                ft.Text(
                    "A device raises an alarm when this server's transparency log is not what it kept "
                    "or was promised (a forked or shrunken log, a record missing from it). Alarms are "
                    "kept as evidence and never cleared; docs/evidence.md says what each one means."
                ),
                tagged(self.summary, "alarms-summary"),
                self.items,
            ],
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            expand=True,
        )

    async def load(self) -> None:
        await self.state.load(self.app.api)
        self.app.render_nav()
        self.render()

    def render(self) -> None:
        self.summary.value = self.state.count_text
        self.items.controls = [_alarm(alarm) for alarm in self.state.alarms]


def _alarm(alarm: LogAlarm) -> ft.Control:
    lines: list[ft.Control] = [
        ft.Row(
            [
                ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.RED_700),
                ft.Text(alarm.reason, weight=ft.FontWeight.BOLD, color=ft.Colors.RED_900, expand=True),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        ft.Text(f"Device: {alarm.device_text}"),
        ft.Text(f"Detected {alarm.detected_at} (device's clock) · received {alarm.received_at}"),
    ]
    if alarm.record_id:
        lines.append(ft.Text(f"Record: {alarm.record_id}"))
    lines.append(ft.Text(alarm.evidence_text, color=ft.Colors.BLUE_GREY_700, size=13))
    return tagged(card(*lines), f"alarm-{alarm.id}")
