"""The review queue: filters, counts per state, reports oldest first, exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from ..errors import InvalidInput
from ..state import KINDS, REVIEW_STATES, QueueFilters, label, short_time
from .widgets import dropdown, heading, show_error, state_chip, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp


class QueueView:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.state = app.queue
        f = self.state.filters
        self.state_field = dropdown(
            "State", [("", "any state"), *((s, label(s)) for s in REVIEW_STATES)], f.state
        )
        self.kind_field = dropdown(
            "Kind", [("", "any kind"), *((k, label(k)) for k in KINDS)], f.kind, width=220
        )
        self.device_field = ft.TextField(label="Device id", value=f.device_id or "", width=200, dense=True)
        self.since_field = ft.TextField(
            label="From (UTC)", hint_text="2026-03-01", width=170, dense=True, value=_day(f.since)
        )
        self.until_field = ft.TextField(
            label="To (UTC)", hint_text="2026-03-02 18:00", width=170, dense=True, value=_day(f.until)
        )
        self.fields: dict[str, ft.TextField | ft.Dropdown] = {
            "state": self.state_field,
            "kind": self.kind_field,
            "device_id": self.device_field,
            "since": self.since_field,
            "until": self.until_field,
        }
        self.counts = ft.Row(spacing=8)
        self.range_text = ft.Text("Loading…", color=ft.Colors.BLUE_GREY_700)
        self.table = ft.Column(spacing=0)
        self.control = ft.Column(
            [
                ft.Row(
                    [
                        heading("Review queue"),
                        ft.Container(expand=True),
                        tagged(
                            ft.OutlinedButton(
                                content="Export GeoJSON",
                                icon=ft.Icons.DOWNLOAD,
                                on_click=self.export("geojson"),
                            ),
                            "export-geojson",
                        ),
                        tagged(
                            ft.OutlinedButton(
                                content="Export CSV", icon=ft.Icons.DOWNLOAD, on_click=self.export("csv")
                            ),
                            "export-csv",
                        ),
                    ]
                ),
                tagged(self.counts, "queue-counts"),
                ft.Row(
                    [
                        tagged(self.state_field, "filter-state"),
                        tagged(self.kind_field, "filter-kind"),
                        tagged(self.device_field, "filter-device"),
                        tagged(self.since_field, "filter-since"),
                        tagged(self.until_field, "filter-until"),
                        tagged(
                            ft.Button(content="Apply", icon=ft.Icons.FILTER_ALT, on_click=self.apply),
                            "filter-apply",
                        ),
                        tagged(ft.TextButton(content="Clear", on_click=self.clear), "filter-clear"),
                    ],
                    wrap=True,
                    spacing=10,
                ),
                ft.Row(
                    [
                        tagged(self.range_text, "queue-range"),
                        ft.Container(expand=True),
                        tagged(
                            ft.IconButton(icon=ft.Icons.CHEVRON_LEFT, on_click=self.previous), "queue-prev"
                        ),
                        tagged(ft.IconButton(icon=ft.Icons.CHEVRON_RIGHT, on_click=self.next), "queue-next"),
                        tagged(ft.IconButton(icon=ft.Icons.REFRESH, on_click=self.refresh), "queue-refresh"),
                    ]
                ),
                ft.Column([self.table], scroll=ft.ScrollMode.AUTO, expand=True),
            ],
            expand=True,
            spacing=12,
        )

    async def load(self) -> None:
        await self.state.load(self.app.api)
        self.render()

    def render(self) -> None:
        self.counts.controls = [
            tagged(
                ft.Container(
                    content=ft.Row(
                        [
                            state_chip(s),
                            ft.Text(str(self.state.counts.get(s, 0)), weight=ft.FontWeight.BOLD),
                        ],
                        tight=True,
                    ),
                    padding=ft.Padding.symmetric(horizontal=8, vertical=6),
                    border=ft.Border.all(2 if s == self.state.filters.state else 1, ft.Colors.BLUE_GREY_200),
                    border_radius=8,
                    bgcolor=ft.Colors.WHITE,
                    on_click=self._show_state(s),
                    tooltip=f"show {label(s)} reports",
                ),
                f"count-{s}",
            )
            for s in REVIEW_STATES
        ]
        self.range_text.value = self.state.range_text
        header = _row(
            ["Observed", "Received", "Kind", "Place", "Device", "Chain", "State", ""],
            bold=True,
        )
        self.table.controls = [header, *(self._item(item) for item in self.state.items)]

    def _item(self, item: dict[str, Any]) -> ft.Control:
        record_id = item["record_id"] if "record_id" in item else item["id"]
        lock = item.get("lock") or {}
        cells = [
            short_time(item.get("observed_at")),
            short_time(item.get("received_at")),
            label(item.get("kind")),
            item.get("place") or "—",
            (item.get("device_label") or item.get("device_id", ""))[:14],
            _chain(item.get("chain_status")),
            state_chip(item.get("state")),
            ft.Row(
                [
                    ft.Icon(
                        ft.Icons.LOCK,
                        size=16,
                        color=ft.Colors.ORANGE_700,
                        tooltip=f"locked by {lock['username']}",
                    )
                    if lock.get("username")
                    else ft.Container(width=16),
                    tagged(
                        ft.TextButton(content="Open", on_click=self._opener(record_id)),
                        f"open-{record_id}",
                    ),
                ],
                spacing=2,
            ),
        ]
        row = _row(cells)
        row.on_click = self._opener(record_id)
        return tagged(row, f"queue-row-{record_id}")

    def _show_state(self, state: str):
        async def handler(_event: ft.Event) -> None:
            self.state_field.value = state
            await self.apply()

        return handler

    def _opener(self, record_id: str):
        async def handler(_event: ft.Event) -> None:
            await self.app.open("report", record_id=record_id)

        return handler

    def _filters(self) -> QueueFilters | None:
        for field in self.fields.values():
            show_error(field, None)
        try:
            return QueueFilters.from_form(
                state=self.state_field.value or None,
                kind=self.kind_field.value or None,
                device_id=self.device_field.value,
                since=self.since_field.value,
                until=self.until_field.value,
            )
        except InvalidInput as exc:
            show_error(self.fields[exc.field], str(exc))
            return None

    async def apply(self, _event: ft.Event | None = None) -> None:
        filters = self._filters()
        if filters is None:
            return

        async def run() -> None:
            await self.state.apply(self.app.api, filters)
            self.render()

        await self.app.guard(run)

    async def clear(self, _event: ft.Event | None = None) -> None:
        self.state_field.value = "received"
        self.kind_field.value = ""
        for field in (self.device_field, self.since_field, self.until_field):
            field.value = ""
        await self.apply()

    async def refresh(self, _event: ft.Event | None = None) -> None:
        await self.app.guard(self.load)

    async def previous(self, _event: ft.Event | None = None) -> None:
        await self._page(-1)

    async def next(self, _event: ft.Event | None = None) -> None:
        await self._page(1)

    async def _page(self, step: int) -> None:
        async def run() -> None:
            await self.state.page(self.app.api, step)
            self.render()

        await self.app.guard(run)

    def export(self, fmt: str):
        async def handler(_event: ft.Event) -> None:
            # Exports follow the filters as typed now, like the queue after "Apply".
            filters = self._filters()
            if filters is None:
                return

            async def run() -> None:
                await self.app.download(fmt, filters.to_params())
                self.app.flash(f"{fmt.upper()} export started ({label(filters.state) or 'all states'}).")

            await self.app.guard(run)

        return handler


WIDTHS = (140, 140, 130, 130, 105, 150, 100, 80)


def _row(cells: list[Any], *, bold: bool = False) -> ft.Container:
    controls: list[ft.Control] = []
    for cell, width in zip(cells, WIDTHS, strict=True):
        content = (
            ft.Row([cell], tight=True)  # loose width: a chip keeps its own size
            if isinstance(cell, ft.Control)
            else ft.Text(
                str(cell),
                weight=ft.FontWeight.BOLD if bold else None,
                size=13,
                no_wrap=True,
                overflow=ft.TextOverflow.ELLIPSIS,
            )
        )
        controls.append(ft.Container(content=content, width=width))
    return ft.Container(
        content=ft.Row(controls, spacing=6),
        padding=ft.Padding.symmetric(horizontal=8, vertical=4 if not bold else 8),
        border=ft.Border.only(bottom=ft.BorderSide(1, ft.Colors.BLUE_GREY_100)),
        bgcolor=ft.Colors.BLUE_GREY_100 if bold else ft.Colors.WHITE,
    )


def _chain(status: str | None) -> ft.Control:
    from ..state import CHAIN_TEXT

    text = CHAIN_TEXT.get(status or "", status or "—")
    colour = {"valid": ft.Colors.GREEN_800, "invalid": ft.Colors.RED_700, "FORK": ft.Colors.RED_700}.get(
        text, ft.Colors.ORANGE_800
    )
    return ft.Text(text, color=colour, size=13, weight=ft.FontWeight.BOLD if text == "FORK" else None)


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
