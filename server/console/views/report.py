"""One report, read top to bottom as a report: what was observed (observation.py), against
the agreement, amendments, photos; then the verification: other devices' reports nearby
(corroboration), the decision with its lock, the signature, chain and hashes (collapsed while
they check out) and the audit trail. Wide pages put the two halves side by side, a phone
stacks them in that order (docs/console.md, "The report page")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from ..errors import ApiError, InvalidInput
from ..state import (
    DECISIONS,
    REASON_REQUIRED,
    STATE_COLOURS,
    ReportState,
    label,
    short_time,
)
from ..state.record_text import kind_label, transition_text
from .agreement_flags import agreement_flags_card
from .corroboration import CorroborationCard
from .integrity import integrity_card, status_row
from .observation import observation_card
from .photos import PhotosCard
from .widgets import FIELD_ROW_SIDE_BY_SIDE, card, heading, report_opener, state_chip, tagged, touch

if TYPE_CHECKING:
    from ..app import ConsoleApp

# The two halves side by side from this page width (ResponsiveRow's breakpoints are the page's
# width): 1280 px has room for both; below it (a tablet, a phone) they stack, the report first.
TWO_COLUMNS = "xl"  # 1200 px and wider


class ReportView:
    def __init__(self, app: ConsoleApp, record_id: str) -> None:
        self.app = app
        self.state = ReportState(record_id=record_id)
        self.reason = ft.TextField(
            label="Reason, or question for the observer (required for rejected and needs info)",
            multiline=True,
            min_lines=2,
            max_lines=5,
            max_length=4000,
        )
        stretch = ft.CrossAxisAlignment.STRETCH  # cards as wide as their column
        self.left = ft.Column(spacing=12, horizontal_alignment=stretch, col={"xs": 12, TWO_COLUMNS: 7})
        self.right = ft.Column(spacing=12, horizontal_alignment=stretch, col={"xs": 12, TWO_COLUMNS: 5})
        self.header = ft.Row([ft.Text("Loading report…")], wrap=True)
        self.control = ft.Column(
            [
                self.header,
                ft.ResponsiveRow([self.left, self.right], spacing=16, run_spacing=12),
            ],
            expand=True,
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            horizontal_alignment=stretch,
        )
        self.photos = PhotosCard(app, self.state)
        # Parts redrawn on their own (thumbnails arriving, the lock taken): the rest of the page
        # keeps its controls, so a click landing on it meanwhile is not lost, and less is sent.
        self.photos_box = ft.Column(spacing=0, horizontal_alignment=stretch)
        self.decision_box = ft.Column(spacing=0, horizontal_alignment=stretch)
        self.corroboration = CorroborationCard(app, self.state, on_change=self.render)
        self.integrity_open: bool | None = None  # the verifier's choice, kept across redraws

    async def load(self) -> None:
        await self.state.load(self.app.api)
        self.render()
        await self.fill_thumbnails()

    async def fill_thumbnails(self) -> None:
        """The report is drawn first; its thumbnails (the server reads each photo whole) after.
        Also after a reload: a photo may have finished arriving meanwhile."""
        if self.state.thumbnails_missing:
            self.app.page.update()
            await self.state.load_thumbnails(self.app.api)
            self._render_photos()

    # -- drawing --------------------------------------------------------------------------

    def render(self) -> None:
        d = self.state.detail
        self.header.controls = self._header(d)
        self.left.controls = [
            observation_card(d),
            *agreement_flags_card(self.state.flags),
            *self._amendments_card(d),
            self.photos_box,
        ]
        self._render_photos()
        self._render_decision()
        self.right.controls = [
            tagged(self.corroboration.control(), "report-corroboration"),
            self.decision_box,
            integrity_card(
                d,
                on_evidence=self._download_evidence,
                open_report=self._opener,
                expanded=self.integrity_open,
                on_toggle=self._integrity_toggled,
            ),
            self._audit_card(),
        ]

    def _render_photos(self) -> None:
        self.photos_box.controls = [self.photos.control()]

    def _render_decision(self) -> None:
        self.decision_box.controls = [self._decision_card()]

    def _header(self, d: dict[str, Any]) -> list[ft.Control]:
        return [
            tagged(
                touch(ft.TextButton(content="Back to queue", icon=ft.Icons.ARROW_BACK, on_click=self.back)),
                "back-to-queue",
            ),
            tagged(heading(kind_label(d.get("kind"))), "report-title"),
            state_chip(d.get("state"), identifier="report-state"),
        ]

    def _integrity_toggled(self, event: ft.Event) -> None:
        # Flet passes the tile's state after the click (a bool, or its text on older clients).
        self.integrity_open = event.data in (True, "true")

    def _lock_rows(self) -> list[ft.Control]:
        lock = self.state.lock
        me = self.app.api.user.username if self.app.api.user else ""
        if not lock:
            text = "Not locked. Take the lock while you work on this report, so nobody else decides it."
        elif lock.get("username") == me:
            text = f"Locked by you until {short_time(lock.get('expires_at'))}."
        else:
            text = (
                f"Locked by {lock.get('username')} until {short_time(lock.get('expires_at'))}: "
                "they are working on it; you can decide once they release it or the lock expires."
            )
        mine = self.state.lock_held_by(me)
        buttons: list[ft.Control] = [
            tagged(
                touch(
                    ft.OutlinedButton(
                        content="Renew lock" if mine else "Take lock",
                        icon=ft.Icons.LOCK,
                        on_click=self.take_lock,
                    )
                ),
                "lock-take",
            ),
        ]
        if mine:
            buttons.append(
                tagged(
                    touch(
                        ft.OutlinedButton(
                            content="Release lock", icon=ft.Icons.LOCK_OPEN, on_click=self.release_lock
                        )
                    ),
                    "lock-release",
                )
            )
        return [
            ft.Row(
                [
                    ft.Icon(ft.Icons.LOCK if lock else ft.Icons.LOCK_OPEN),
                    ft.Semantics(content=ft.Text(text), identifier="lock-status", expand=True),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
            ft.Row(buttons, wrap=True),
        ]

    def _decision_card(self) -> ft.Control:
        buttons: list[ft.Control] = []
        for state in DECISIONS:
            buttons.append(
                tagged(
                    touch(
                        ft.Button(
                            content=label(state).capitalize(),
                            bgcolor=STATE_COLOURS[state],
                            color=ft.Colors.WHITE,
                            on_click=self._decider(state),
                            tooltip="needs a reason" if state in REASON_REQUIRED else None,
                        )
                    ),
                    f"decide-{state}",
                )
            )
        return tagged(
            card(
                heading("Decision", size=16),
                *self._lock_rows(),
                tagged(self.reason, "decision-reason"),
                ft.Row(buttons, wrap=True),
                ft.Text(
                    "The decision and its reason (a needs-info question) reach the observer's device "
                    "at its next sync.",
                    size=12,
                    color=ft.Colors.BLUE_GREY_600,
                ),
            ),
            "report-decision",
        )

    async def _download_evidence(self, _event: ft.Event) -> None:
        await self.app.guard(lambda: self.app.download_evidence(self.state.record_id))

    def _amendments_card(self, d: dict[str, Any]) -> list[ft.Control]:
        """[] when the report corrects nothing and nothing corrects it (no empty card)."""
        rows: list[ft.Control] = []
        if d.get("amends_problem"):
            rows.append(
                tagged(
                    status_row("Not an amendment", f"{d['amends_problem']}: not a correction", False),
                    "amends-problem",
                )
            )
        links = [("This report corrects", d["amends"], "amends-link")] if d.get("amends") else []
        links += [("Corrected by", later, f"amended-by-{later}") for later in d.get("amended_by") or []]
        for text, record_id, identifier in links:
            button = touch(ft.TextButton(content=record_id, on_click=self._opener(record_id)))
            rows.append(ft.Row([ft.Text(text), tagged(button, identifier)], wrap=True))
        if not rows:
            return []
        return [tagged(card(heading("Amendments", size=16), *rows), "report-amendments")]

    def _audit_card(self) -> ft.Control:
        """Each decision on one line at desk width (time, who, what it became, why), stacked on
        a phone; the change is written out in words."""
        rows: list[ft.Control] = []
        for number, event in enumerate(self.state.audit, start=1):
            side = FIELD_ROW_SIDE_BY_SIDE
            rows.append(
                tagged(
                    ft.ResponsiveRow(
                        [
                            ft.Text(short_time(event.get("at")), size=13, col={"xs": 12, side: 3}),
                            ft.Text(event.get("actor", ""), size=13, col={"xs": 12, side: 2}),
                            ft.Text(
                                transition_text(event),
                                size=13,
                                weight=ft.FontWeight.BOLD,
                                col={"xs": 12, side: 3},
                            ),
                            ft.Text(event.get("reason") or "", size=13, col={"xs": 12, side: 4}),
                        ],
                        spacing=8,
                        run_spacing=2,
                        vertical_alignment=ft.CrossAxisAlignment.START,
                    ),
                    f"audit-event-{number}",
                )
            )
        if not rows:
            rows.append(ft.Text("No decisions yet."))
        return tagged(card(heading("Audit trail", size=16), *rows), "audit-trail")

    # -- actions --------------------------------------------------------------------------

    def _opener(self, record_id: str) -> Callable[[ft.Event], Awaitable[None]]:
        return report_opener(self.app, record_id)

    async def back(self, _event: ft.Event | None = None) -> None:
        await self.app.open("queue")

    async def take_lock(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            await self.state.take_lock(self.app.api)
            self._render_decision()
            self.app.flash("You hold the lock on this report.")

        await self.app.guard(run)

    async def release_lock(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            await self.state.release_lock(self.app.api)
            self._render_decision()
            self.app.flash("Lock released.")

        await self.app.guard(run)

    async def decide(self, decision: str) -> None:
        """The decision buttons' action (the shortcuts' too): the same checks, the same messages."""

        async def decide() -> None:
            self.reason.error = None
            try:
                await self.state.decide(self.app.api, decision, self.reason.value)
            except InvalidInput as exc:
                self.reason.error = str(exc)  # shown beside the field
                return
            except ApiError as exc:
                if exc.status_code == 422:  # the server's own check of the reason
                    self.reason.error = str(exc)
                    return
                await self.state.load(self.app.api)  # the lock or the state may have changed meanwhile
                self.render()
                raise
            self.reason.value = ""
            self.render()
            self.app.flash(f"Decision recorded: {label(decision)}.")
            await self.fill_thumbnails()

        await self.app.guard(decide)

    def _decider(self, decision: str) -> Callable[[ft.Event], Awaitable[None]]:
        async def handler(_event: ft.Event) -> None:
            await self.decide(decision)

        return handler
