"""The implementation tracker: each obligation's status and evidence (verified reports only),
progress over time (units back to camps beside foreign fighters departed, the deadline marked),
each unit's last verified position, and the geometry flags. Renders only: `TrackerState` loads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from ..tracker_state import RULE_TEXT, STATUS_TEXT, TYPE_TEXT, TrackerState
from .widgets import card, dropdown, heading, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp

STATUS_COLOURS = {
    "not_started": ft.Colors.BLUE_GREY_400,
    "in_progress": ft.Colors.AMBER_700,
    "reported_complete": ft.Colors.LIGHT_GREEN_700,
    "verified_complete": ft.Colors.GREEN_800,
    "overdue": ft.Colors.RED_700,
}
BAR_WIDTH = 260


class TrackerView:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.state: TrackerState = app.tracker
        self.side = dropdown("Side", [("", "every side")], self.state.side, width=170)
        self.area = dropdown("Area", [("", "every area")], self.state.area, width=260)
        self.body = ft.Column(spacing=12)
        self.control = ft.Column(
            [
                heading("Implementation tracker"),
                ft.Text("Status from verified reports only.", color=ft.Colors.BLUE_GREY_700),
                ft.Row(
                    [
                        tagged(self.side, "tracker-side"),
                        tagged(self.area, "tracker-area"),
                        tagged(
                            ft.Button(content="Show", icon=ft.Icons.FILTER_ALT, on_click=self.apply),
                            "tracker-apply",
                        ),
                    ],
                    wrap=True,
                ),
                self.body,
            ],
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            expand=True,
        )

    async def load(self) -> None:
        await self.state.load(self.app.api)
        self.render()

    async def apply(self, _event: ft.Event | None = None) -> None:
        self.state.set_filters(side=self.side.value, area=self.area.value)
        await self.app.guard(self.load)

    def render(self) -> None:
        page = self.state.page
        self.side.options = [ft.DropdownOption(key="", text="every side")] + [
            ft.DropdownOption(key=s, text=s) for s in page.get("sides", [])
        ]
        self.area.options = [ft.DropdownOption(key="", text="every area")] + [
            ft.DropdownOption(key=a["id"], text=a["name_en"]) for a in page.get("areas", [])
        ]
        self.body.controls = [
            self._summary(),
            card(ft.Text("Obligations", weight=ft.FontWeight.BOLD), *self._obligations()),
            card(ft.Text("Progress over time", weight=ft.FontWeight.BOLD), *self._chart()),
            card(ft.Text("Units: last verified position", weight=ft.FontWeight.BOLD), *self._units()),
            card(ft.Text("Flags for verifiers", weight=ft.FontWeight.BOLD), *self._flags()),
        ]

    def _summary(self) -> ft.Control:
        counts = self.state.status_counts()
        chips: list[ft.Control] = [
            tagged(
                ft.Text(f"{STATUS_TEXT[s]}: {n}", color=STATUS_COLOURS[s], weight=ft.FontWeight.BOLD),
                f"tracker-count-{s}",
            )
            for s, n in counts.items()
        ]
        return ft.Row(chips, wrap=True, spacing=18)

    def _obligations(self) -> list[ft.Control]:
        rows: list[ft.Control] = []
        for row in self.state.obligations:
            ob = row["obligation"]
            evidence = [
                tagged(
                    ft.TextButton(content=rid[:8], on_click=self._opener(rid)), f"evidence-{ob['id']}-{rid}"
                )
                for rid in row["evidence"][:8]
            ]
            more = len(row["evidence"]) - len(evidence)
            status = ft.Text(
                STATUS_TEXT[row["status"]], color=STATUS_COLOURS[row["status"]], weight=ft.FontWeight.BOLD
            )
            rows.append(
                tagged(
                    ft.Column(
                        [
                            ft.Row(
                                [
                                    ft.Text(ob["name_en"], weight=ft.FontWeight.W_500, expand=True),
                                    tagged(status, f"obligation-status-{ob['id']}"),
                                ],
                            ),
                            ft.Text(
                                f"{TYPE_TEXT[ob['type']]} · by {ob['deadline']}"
                                + (f" · {row['progress']}" if row["progress"] else "")
                                + (f" · completed {row['completed_on']}" if row["completed_on"] else ""),
                                size=12,
                                color=ft.Colors.BLUE_GREY_700,
                            ),
                            ft.Row(
                                [
                                    ft.Text("Evidence:", size=12),
                                    *evidence,
                                    *([ft.Text(f"and {more} more", size=12)] if more > 0 else []),
                                    *([] if row["evidence"] else [ft.Text("none verified yet", size=12)]),
                                ],
                                wrap=True,
                            ),
                            ft.Divider(height=1),
                        ],
                        spacing=2,
                    ),
                    f"obligation-{ob['id']}",
                )
            )
        return rows or [
            ft.Text("No obligations registered (fieldapp admin registers import --register obligations).")
        ]

    def _chart(self) -> list[ft.Control]:
        rows: list[ft.Control] = [
            ft.Row(
                [
                    _swatch(ft.Colors.TEAL_600),
                    ft.Text("units back at their camps", size=12),
                    _swatch(ft.Colors.DEEP_ORANGE_400),
                    ft.Text("foreign fighters departed", size=12),
                ],
                spacing=6,
            )
        ]
        for index, point in enumerate(self.state.chart()):
            if "deadline" in point:
                rows.append(
                    tagged(
                        ft.Row(
                            [
                                ft.Container(height=2, width=BAR_WIDTH * 2 + 110, bgcolor=ft.Colors.RED_700),
                                ft.Text(f"deadline {point['deadline']}", color=ft.Colors.RED_700, size=12),
                            ]
                        ),
                        f"chart-deadline-{point['deadline']}",
                    )
                )
                continue
            fighters = f"{point['fighters']}" + (
                f" of {point['fighters_of']}" if point["fighters_of"] else ""
            )
            rows.append(
                tagged(
                    ft.Row(
                        [
                            ft.Text(point["date"], width=100, size=12),
                            ft.Column(
                                [
                                    _bar(
                                        point["units_share"],
                                        ft.Colors.TEAL_600,
                                        f"{point['units']} of {point['units_of']} units",
                                    ),
                                    _bar(
                                        point["fighters_share"],
                                        ft.Colors.DEEP_ORANGE_400,
                                        f"{fighters} fighters",
                                    ),
                                ],
                                spacing=2,
                            ),
                        ]
                    ),
                    f"chart-row-{index}",
                )
            )
        if len(rows) == 1:
            rows.append(ft.Text("Nothing verified yet.", size=12))
        return rows

    def _units(self) -> list[ft.Control]:
        rows: list[ft.Control] = []
        for row in self.state.page.get("units", []):
            unit = row["unit"]
            if row["record_id"] is None:
                where = "no verified report"
            else:
                at = {True: "at its camp", False: "away from its camp", None: "no home camp"}[row["at_camp"]]
                where = f"{row['lat']:.4f}, {row['lon']:.4f} on {row['observed_at'][:16]} · {at}"
            rows.append(
                tagged(
                    ft.Row(
                        [
                            ft.Text(unit["name_en"], width=200),
                            ft.Text(unit.get("side") or "—", width=70),
                            ft.Text(where, size=12, expand=True),
                        ]
                    ),
                    f"unit-{unit['id']}",
                )
            )
        return rows or [ft.Text("No units registered.")]

    def _flags(self) -> list[ft.Control]:
        rows: list[ft.Control] = []
        for flag in self.state.flags:
            rows.append(
                tagged(
                    ft.Row(
                        [
                            tagged(
                                ft.TextButton(
                                    content=flag["record_id"][:8], on_click=self._opener(flag["record_id"])
                                ),
                                f"flag-open-{flag['rule']}-{flag['record_id']}",
                            ),
                            ft.Text(
                                f"{RULE_TEXT.get(flag['rule'], flag['rule'])}: {flag['detail']}",
                                size=12,
                                expand=True,
                            ),
                        ]
                    ),
                    f"flag-{flag['rule']}-{flag['record_id']}",
                )
            )
        return rows or [ft.Text("No report breaks the agreement's lines and areas.")]

    def _opener(self, record_id: str) -> Any:
        async def handler(_event: ft.Event) -> None:
            await self.app.open("report", record_id=record_id)

        return handler


def _swatch(colour: str) -> ft.Control:
    return ft.Container(width=12, height=12, bgcolor=colour, border_radius=2)


def _bar(share: float, colour: str, text: str) -> ft.Control:
    return ft.Row(
        [
            ft.Container(
                width=BAR_WIDTH,
                height=12,
                bgcolor=ft.Colors.BLUE_GREY_50,
                content=ft.Container(width=max(2, BAR_WIDTH * share), height=12, bgcolor=colour),
                alignment=ft.Alignment.CENTER_LEFT,
            ),
            ft.Text(text, size=12),
        ],
        spacing=8,
    )
