"""One report: every field, signature and chain status, amendments, lock, decision, audit
trail, and other devices' reports nearby in time and place on a map."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from sync.geo import mgrs_of
from sync.places import place_label

from ..errors import ApiError, InvalidInput
from ..location_warnings import location_warnings
from ..state import (
    DECISIONS,
    REASON_REQUIRED,
    STATE_COLOURS,
    ReportState,
    label,
    short_time,
)
from .agreement_flags import agreement_flags_card
from .corroboration import CorroborationCard
from .integrity import integrity_card, status_row
from .photos import PhotosCard
from .widgets import card, field_row, heading, report_opener, state_chip, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp

COMMON_FIELDS = ("observed_by", "certainty", "place", "controlling_side", "description")


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
        self.left = ft.Column(spacing=12, scroll=ft.ScrollMode.AUTO, expand=3, horizontal_alignment=stretch)
        self.right = ft.Column(spacing=12, scroll=ft.ScrollMode.AUTO, expand=2, horizontal_alignment=stretch)
        self.control = ft.Row(
            [self.left, self.right],
            expand=True,
            spacing=16,
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
        self.left.controls = [ft.Text("Loading report…")]
        self.photos = PhotosCard(app, self.state)
        self.corroboration = CorroborationCard(app, self.state, on_change=self.render)

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
            self.render()

    # -- drawing --------------------------------------------------------------------------

    def render(self) -> None:
        d = self.state.detail
        self.left.controls = [
            self._header(d),
            self._lock_card(),
            self._decision_card(),
            integrity_card(d, on_evidence=self._download_evidence, open_report=self._opener),
            self.photos.control(),
            self._fields_card(d),
            *agreement_flags_card(self.state.flags),
            self._amendments_card(d),
            self._audit_card(),
        ]
        self.right.controls = [self.corroboration.control()]

    def _header(self, d: dict[str, Any]) -> ft.Control:
        return ft.Row(
            [
                tagged(
                    ft.TextButton(content="Back to queue", icon=ft.Icons.ARROW_BACK, on_click=self.back),
                    "back-to-queue",
                ),
                heading(label(d.get("kind")).capitalize() or "Report"),
                state_chip(d.get("state"), identifier="report-state"),
                ft.Text(d.get("record_id", ""), color=ft.Colors.BLUE_GREY_600, size=12),
            ],
            wrap=True,
        )

    def _lock_card(self) -> ft.Control:
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
                ft.OutlinedButton(
                    content="Renew lock" if mine else "Take lock", icon=ft.Icons.LOCK, on_click=self.take_lock
                ),
                "lock-take",
            ),
        ]
        if mine:
            buttons.append(
                tagged(
                    ft.OutlinedButton(
                        content="Release lock", icon=ft.Icons.LOCK_OPEN, on_click=self.release_lock
                    ),
                    "lock-release",
                )
            )
        return card(
            ft.Row(
                [
                    ft.Icon(ft.Icons.LOCK if lock else ft.Icons.LOCK_OPEN),
                    tagged(ft.Text(text, expand=True), "lock-status"),
                ]
            ),
            ft.Row(buttons),
        )

    def _decision_card(self) -> ft.Control:
        buttons: list[ft.Control] = []
        for state in DECISIONS:
            buttons.append(
                tagged(
                    ft.Button(
                        content=label(state).capitalize(),
                        bgcolor=STATE_COLOURS[state],
                        color=ft.Colors.WHITE,
                        on_click=self._decider(state),
                        tooltip="needs a reason" if state in REASON_REQUIRED else None,
                    ),
                    f"decide-{state}",
                )
            )
        return card(
            ft.Text("Decision", weight=ft.FontWeight.BOLD),
            tagged(self.reason, "decision-reason"),
            ft.Row(buttons, wrap=True),
            ft.Text(
                "The decision and its reason (a needs-info question) reach the observer's device "
                "at its next sync.",
                size=12,
                color=ft.Colors.BLUE_GREY_600,
            ),
        )

    async def _download_evidence(self, _event: ft.Event) -> None:
        await self.app.guard(lambda: self.app.download_evidence(self.state.record_id))

    def _fields_card(self, d: dict[str, Any]) -> ft.Control:
        record = d.get("record") or {}
        location = record.get("location") or {}
        rows: list[ft.Control] = [
            field_row("Kind", label(record.get("kind"))),
            field_row(
                "Observed at", f"{record.get('observed_at')}  ({short_time(record.get('observed_at'))})"
            ),
            field_row("Recorded at", record.get("recorded_at")),
        ]
        lat, lon = location.get("lat"), location.get("lon")
        if lat is not None and lon is not None:
            rows.append(field_row("Location", f"{lat:.5f}, {lon:.5f}"))
            rows.append(field_row("MGRS", mgrs_of(lat, lon)))
        rows.append(
            field_row("Accuracy", f"{location.get('accuracy_m')} m" if location.get("accuracy_m") else None)
        )
        rows.append(field_row("Location source", location.get("source")))
        if location.get("fix_at"):
            rows.append(field_row("GPS fix taken", location.get("fix_at")))
        for warning in location_warnings(record):  # mock location, weak or stale fix (issue 18.5)
            rows.append(tagged(ft.Text(f"⚠ {warning}", color=ft.Colors.ORANGE_900), "location-warning"))
        for name in COMMON_FIELDS:
            value = place_label(record) if name == "place" else record.get(name)
            rows.append(field_row(label(name).capitalize(), value, identifier=f"field-{name}"))
        if isinstance(record.get("place_ref"), dict):
            rows.append(field_row("Gazetteer id", record["place_ref"].get("id")))
        for name, value in (record.get("details") or {}).items():
            rows.append(field_row(label(name).capitalize(), value, identifier=f"detail-{name}"))
        if record.get("attachments"):
            rows.append(field_row("Photos", f"{len(record['attachments'])}, listed under Photos above"))
        known = {"id", "kind", "observed_at", "recorded_at", "location", "details", "attachments", "amends"}
        known |= set(COMMON_FIELDS) | {"place_ref"} | {"device_id", "seq", "prev_hash", "signature", "state"}
        for name, value in record.items():
            if name not in known:
                rows.append(field_row(label(name).capitalize(), value))
        return card(ft.Text("Report", weight=ft.FontWeight.BOLD), *rows)

    def _amendments_card(self, d: dict[str, Any]) -> ft.Control:
        rows: list[ft.Control] = []
        if d.get("amends_problem"):
            rows.append(
                tagged(
                    status_row("Not an amendment", f"{d['amends_problem']}: not a correction", False),
                    "amends-problem",
                )
            )
        if d.get("amends"):
            rows.append(
                ft.Row(
                    [
                        ft.Text("This report corrects"),
                        tagged(
                            ft.TextButton(content=d["amends"], on_click=self._opener(d["amends"])),
                            "amends-link",
                        ),
                    ]
                )
            )
        for later in d.get("amended_by") or []:
            rows.append(
                ft.Row(
                    [
                        ft.Text("Corrected by"),
                        tagged(
                            ft.TextButton(content=later, on_click=self._opener(later)), f"amended-by-{later}"
                        ),
                    ]
                )
            )
        if not rows:
            rows.append(ft.Text("No amendments: this report corrects nothing and nothing corrects it."))
        return card(ft.Text("Amendments", weight=ft.FontWeight.BOLD), *rows)

    def _audit_card(self) -> ft.Control:
        rows: list[ft.Control] = []
        for event in self.state.audit:
            rows.append(
                ft.Row(
                    [
                        ft.Text(short_time(event.get("at")), width=150, size=13),
                        ft.Text(event.get("actor", ""), width=100, size=13),
                        ft.Text(
                            f"{label(event.get('from_state'))} → {label(event.get('to_state'))}",
                            width=200,
                            size=13,
                        ),
                        ft.Text(event.get("reason") or "", expand=True, size=13),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                )
            )
        if not rows:
            rows.append(ft.Text("No decisions yet."))
        return tagged(card(ft.Text("Audit trail", weight=ft.FontWeight.BOLD), *rows), "audit-trail")

    # -- actions --------------------------------------------------------------------------

    def _opener(self, record_id: str) -> Callable[[ft.Event], Awaitable[None]]:
        return report_opener(self.app, record_id)

    async def back(self, _event: ft.Event | None = None) -> None:
        await self.app.open("queue")

    async def take_lock(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            await self.state.take_lock(self.app.api)
            self.render()
            self.app.flash("You hold the lock on this report.")

        await self.app.guard(run)

    async def release_lock(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            await self.state.release_lock(self.app.api)
            self.render()
            self.app.flash("Lock released.")

        await self.app.guard(run)

    def _decider(self, decision: str):
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

        async def handler(_event: ft.Event) -> None:
            await self.app.guard(decide)

        return handler
