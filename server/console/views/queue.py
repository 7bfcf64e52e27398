"""The review queue: filters (kept in the URL), counts per state, reports oldest first, exports,
and the live part: decisions made elsewhere change their row in place, reports arriving show a
quiet "3 new reports" banner the verifier clicks to see them. A table at desktop width, a list
of cards at phone width (docs/console.md)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import flet as ft

from ..errors import ConsoleError, InvalidInput, SessionExpired
from ..state import KINDS, REVIEW_STATES, QueueFilters, label
from ..state.queue import QueuePoll
from .queue_rows import QueueRows
from .widgets import dropdown, heading, show_error, state_chip, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp

POLL_SECONDS = 4.0  # how often an open queue asks the server what changed (a few index ranges)


class QueueView:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.state = app.queue
        self.state_field = dropdown(
            "State", [("", "any state"), *((s, label(s)) for s in REVIEW_STATES)], None
        )
        self.kind_field = dropdown(
            "Kind", [("", "any kind"), *((k, label(k)) for k in KINDS)], None, width=220
        )
        self.device_field = ft.TextField(label="Device id", width=200, dense=True)
        self.since_field = ft.TextField(label="From (UTC)", hint_text="2026-03-01", width=170, dense=True)
        self.until_field = ft.TextField(label="To (UTC)", hint_text="2026-03-02 18:00", width=170, dense=True)
        self.fields: dict[str, ft.TextField | ft.Dropdown] = {
            "state": self.state_field,
            "kind": self.kind_field,
            "device_id": self.device_field,
            "since": self.since_field,
            "until": self.until_field,
        }
        self.fill_form()
        # The count chips are made once; a poll changes their numbers in place.
        self.count_texts = {s: ft.Text("0", weight=ft.FontWeight.BOLD) for s in REVIEW_STATES}
        self.count_boxes = {s: self._count_chip(s) for s in REVIEW_STATES}
        self.counts = ft.Row(
            [tagged(self.count_boxes[s], f"count-{s}") for s in REVIEW_STATES], spacing=8, wrap=True
        )
        self.range_text = ft.Text("Loading…", color=ft.Colors.BLUE_GREY_700)
        self.banner_text = ft.Text("", color=ft.Colors.BLUE_900, weight=ft.FontWeight.BOLD)
        self.banner = ft.Container(
            content=tagged(
                ft.TextButton(
                    content=ft.Row([ft.Icon(ft.Icons.ARROW_DOWNWARD, size=16), self.banner_text], tight=True),
                    on_click=self.show_new,
                    tooltip="show the reports that arrived (shortcut: n)",
                    style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=14, vertical=12)),
                ),
                "queue-new-banner",
            ),
            bgcolor=ft.Colors.BLUE_50,
            border=ft.Border.all(1, ft.Colors.BLUE_200),
            border_radius=8,
            visible=False,
        )
        self.rows = QueueRows(app, on_open=self.open_report)
        self._polling = False
        self.control = ft.Column(
            [
                ft.Row(
                    [
                        heading("Review queue"),
                        tagged(
                            ft.OutlinedButton(
                                content="Export GeoJSON",
                                icon=ft.Icons.DOWNLOAD,
                                on_click=self.export("geojson"),
                                height=48,
                            ),
                            "export-geojson",
                        ),
                        tagged(
                            ft.OutlinedButton(
                                content="Export CSV",
                                icon=ft.Icons.DOWNLOAD,
                                on_click=self.export("csv"),
                                height=48,
                            ),
                            "export-csv",
                        ),
                    ],
                    wrap=True,
                    alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
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
                            ft.Button(
                                content="Apply", icon=ft.Icons.FILTER_ALT, on_click=self.apply, height=48
                            ),
                            "filter-apply",
                        ),
                        tagged(
                            ft.TextButton(content="Clear", on_click=self.clear, height=48), "filter-clear"
                        ),
                    ],
                    wrap=True,
                    spacing=10,
                ),
                ft.Row(
                    [
                        ft.Container(tagged(self.range_text, "queue-range"), expand=True),
                        tagged(
                            ft.IconButton(
                                icon=ft.Icons.CHEVRON_LEFT, on_click=self.previous, width=48, height=48
                            ),
                            "queue-prev",
                        ),
                        tagged(
                            ft.IconButton(
                                icon=ft.Icons.CHEVRON_RIGHT, on_click=self.next, width=48, height=48
                            ),
                            "queue-next",
                        ),
                        tagged(
                            ft.IconButton(icon=ft.Icons.REFRESH, on_click=self.refresh, width=48, height=48),
                            "queue-refresh",
                        ),
                    ]
                ),
                self.banner,
                ft.Column([self.rows.control], scroll=ft.ScrollMode.AUTO, expand=True),
            ],
            expand=True,
            spacing=12,
        )

    # -- loading and the live part ---------------------------------------------------------

    async def load(self) -> None:
        await self.state.load(self.app.api)
        self.render()
        self.start_polling()

    def render(self) -> None:
        """Everything after a new page (filters, paging, the banner's reports): rows rebuilt."""
        self._render_counts()
        self.range_text.value = self.state.range_text
        self._render_banner()
        self.rows.render(self.state.items, compact=self.app.compact)

    def relayout(self) -> None:
        """Table <-> cards when the window crosses the phone width (same items, no request)."""
        if self.rows.compact != self.app.compact:
            self.rows.render(self.state.items, compact=self.app.compact)

    async def resume(self) -> None:
        """Back from a report: the controls stay as they were; only what changed is redrawn."""
        self.relayout()
        await self.app.guard(self.poll_once)
        self.start_polling()

    async def poll_once(self) -> QueuePoll:
        poll = await self.state.poll(self.app.api)
        if poll.reload:
            await self.state.load(self.app.api)
            self.render()
            return poll
        for record_id in poll.updated:
            self.rows.update_state(record_id, self.state.item(record_id))
        if poll.counts_changed:
            self._render_counts()
            self.range_text.value = self.state.range_text
        if poll.new_changed:
            self._render_banner()
        return poll

    def start_polling(self) -> None:
        if not self._polling:
            self._polling = True
            self.app.page.run_task(self._poll_loop)

    async def _poll_loop(self) -> None:
        """Poll while this queue is the one on screen and the verifier is signed in; a quiet
        failure (server briefly away) is retried at the next tick, an expired session ends it."""
        try:
            while self.app.api.user is not None and self.app.queue_view is self:
                await asyncio.sleep(POLL_SECONDS)
                if self.app.screen != "queue" or self.app.queue_view is not self or self.app.api.user is None:
                    continue
                try:
                    poll = await self.poll_once()
                except SessionExpired as exc:
                    self.app.show_login(str(exc))
                    return
                except ConsoleError:
                    continue
                if poll.anything:
                    with contextlib.suppress(RuntimeError):  # the session went away meanwhile
                        self.app.page.update()
        finally:
            self._polling = False

    async def show_new(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            await self.state.show_new(self.app.api)
            self.render()
            await self.app.remember_route()

        await self.app.guard(run)

    # -- drawing -----------------------------------------------------------------------------

    def _count_chip(self, s: str) -> ft.Container:
        return ft.Container(
            content=ft.Row([state_chip(s), self.count_texts[s]], tight=True),
            padding=ft.Padding.symmetric(horizontal=8, vertical=14),
            border=ft.Border.all(1, ft.Colors.BLUE_GREY_200),
            border_radius=8,
            bgcolor=ft.Colors.WHITE,
            on_click=self._show_state(s),
            tooltip=f"show {label(s)} reports",
        )

    def _render_counts(self) -> None:
        for s in REVIEW_STATES:
            self.count_texts[s].value = str(self.state.counts.get(s, 0))
            self.count_boxes[s].border = ft.Border.all(
                2 if s == self.state.filters.state else 1, ft.Colors.BLUE_GREY_200
            )

    def _render_banner(self) -> None:
        self.banner_text.value = f"{self.state.new_text} — show" if self.state.new else ""
        self.banner.visible = bool(self.state.new)

    def fill_form(self) -> None:
        f = self.state.filters
        self.state_field.value = f.state or ""
        self.kind_field.value = f.kind or ""
        self.device_field.value = f.device_id or ""
        self.since_field.value = _day(f.since)
        self.until_field.value = _day(f.until)

    # -- actions -----------------------------------------------------------------------------

    def _show_state(self, state: str):
        async def handler(_event: ft.Event) -> None:
            self.state_field.value = state
            await self.apply()

        return handler

    async def open_report(self, record_id: str) -> None:
        await self.app.open("report", record_id=record_id)

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
            self.app.page.update()
            return

        async def run() -> None:
            await self.state.apply(self.app.api, filters)
            self.render()
            await self.app.remember_route()

        await self.app.guard(run)

    async def clear(self, _event: ft.Event | None = None) -> None:
        self.state_field.value = "received"
        self.kind_field.value = ""
        for field in (self.device_field, self.since_field, self.until_field):
            field.value = ""
        await self.apply()

    async def refresh(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            await self.state.load(self.app.api)
            self.render()

        await self.app.guard(run)

    async def previous(self, _event: ft.Event | None = None) -> None:
        await self._page(-1)

    async def next(self, _event: ft.Event | None = None) -> None:
        await self._page(1)

    async def _page(self, step: int) -> None:
        async def run() -> None:
            await self.state.page(self.app.api, step)
            self.render()
            await self.app.remember_route()

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


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
