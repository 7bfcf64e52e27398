"""Detail: the record read-only (once finalized), its status history, the verifier's words, Amend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.ui.bidi import coordinates, ltr
from fieldapp.ui.state.detail import RecordDetail
from fieldapp.ui.state.places import place_text
from fieldapp.ui.views.thread import short_id, thread_lines
from fieldapp.ui.views.common import confirm
from fieldapp.ui.views.labels import (
    STATE_COLOURS,
    choice_label,
    field_label,
    kind_label,
    short_time,
    state_label,
)
from fieldapp.ui.views.photos import photo_tile
from fieldapp.ui.views.widgets import (
    icon_button,
    primary_button,
    screen,
    secondary_button,
    section_title,
    tagged,
)

if TYPE_CHECKING:
    from fieldapp.services import RecordView
    from fieldapp.ui.shell import AppShell


class DetailScreen:
    def __init__(self, app: AppShell, record_id: str) -> None:
        self.app = app
        self.record_id = record_id
        self.photo_state: ft.Text | None = None
        self.photo_list = ft.Column(controls=[], spacing=8)

    def build(self) -> ft.Control:
        t = self.app.t
        self.detail = RecordDetail(self.app.device, self.record_id, clock=self.app.clock)
        view = self.detail.view
        self.thread = self.detail.thread()
        state_key = self.thread.state_key
        body: list[ft.Control] = []
        chip = ft.Container(
            content=ft.Text(value=t(state_key), color=ft.Colors.WHITE, no_wrap=True),
            bgcolor=STATE_COLOURS.get(state_key.removeprefix("state."), ft.Colors.GREY_700),
            padding=ft.Padding.symmetric(horizontal=10, vertical=4),
            border_radius=12,
        )
        body.append(
            ft.Row(
                controls=[
                    ft.Text(
                        value=kind_label(self.app, view.kind), size=18, weight=ft.FontWeight.BOLD, expand=True
                    ),
                    tagged(chip, "detail-state"),
                ]
            )
        )
        if view.message:
            body.append(
                tagged(
                    ft.Container(
                        content=ft.Column(
                            controls=[
                                ft.Text(value=t("detail.verifier_message"), weight=ft.FontWeight.BOLD),
                                ft.Text(value=self.app.tr.shown(view.message)),
                            ],
                            spacing=4,
                        ),
                        bgcolor=ft.Colors.ORANGE_50,
                        padding=12,
                        border_radius=8,
                        border=ft.Border.all(width=1, color=ft.Colors.ORANGE_300),
                    ),
                    "detail-message",
                )
            )
        if view.delivery_error:
            body.append(
                tagged(
                    ft.Text(
                        value=t("home.delivery_error", reason=view.delivery_error), color=ft.Colors.RED_800
                    ),
                    "detail-delivery-error",
                )
            )
        if view.finalized:
            body.append(ft.Text(value=t("detail.read_only"), size=12, color=ft.Colors.ON_SURFACE_VARIANT))
        body += thread_lines(self.app, self.thread)
        body += self._fields()
        body += self._photos(view)
        body += self._history(view)
        actions: list[ft.Control] = []
        if self.detail.can_answer():
            actions.append(
                primary_button(t("detail.answer"), "detail-answer", self._answer, icon=ft.Icons.REPLY)
            )
            actions.append(
                secondary_button(t("detail.amend"), "detail-amend", self._amend, icon=ft.Icons.EDIT_NOTE)
            )
        elif view.finalized:
            actions.append(
                primary_button(t("detail.amend"), "detail-amend", self._amend, icon=ft.Icons.EDIT_NOTE)
            )
        else:
            actions.append(primary_button(t("detail.edit"), "detail-edit", self._edit, icon=ft.Icons.EDIT))
            actions.append(
                secondary_button(
                    t("detail.delete"), "detail-delete", self._delete, icon=ft.Icons.DELETE_OUTLINE
                )
            )
        back = icon_button(ft.Icons.ARROW_BACK, t("common.back"), "detail-back", self._back)
        return screen(title=t("detail.title"), leading=back, body=body, actions=actions)

    def _line(self, label: str, value: Any, identifier: str | None = None) -> ft.Control:
        line = ft.Column(
            controls=[
                ft.Text(value=label, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                # Selectable text has no accessible label of its own in Flutter's web client:
                # the label is what a screen reader (and a test) reads.
                ft.Semantics(content=ft.Text(value=str(value), selectable=True), label=str(value)),
            ],
            spacing=0,
        )
        return tagged(line, identifier) if identifier else line

    def _fields(self) -> list[ft.Control]:
        t = self.app.t
        detail = self.detail
        record = detail.view.record
        lines: list[ft.Control] = []
        lines.append(self._line(t("form.observed_at"), ltr(short_time(record.get("observed_at")))))
        location = detail.location
        if "lat" in location:
            where = coordinates(location["lat"], location["lon"])
            mgrs = detail.mgrs()
            if mgrs:
                where += f"\n{ltr(mgrs)}"
            source = location.get("source")
            if source:
                where += f"\n{t('detail.source.' + source)}"
            lines.append(self._line(t("form.location"), where, "detail-location"))
        for name, value in detail.common_fields():
            if name in ("observed_by", "certainty"):
                shown = choice_label(self.app, name, value)
            elif name == "place":  # both names when it came from the gazetteer
                shown = self.app.tr.shown(place_text(record, self.app.tr.language) or value)
            else:
                shown = self.app.tr.shown(str(value))
            lines.append(self._line(field_label(self.app, name), shown, f"detail-field-{name}"))
        for name, value in detail.details():
            if isinstance(value, dict):
                shown = ", ".join(
                    f"{choice_label(self.app, name, k)}: {v}" for k, v in value.items() if v is not None
                )
            elif isinstance(value, bool):
                shown = t("choice.yes_no.yes" if value else "choice.yes_no.no")
            else:
                shown = choice_label(self.app, name, value) if isinstance(value, str) else value
            lines.append(self._line(field_label(self.app, name), shown))
        return lines

    def _photos(self, view: RecordView) -> list[ft.Control]:
        t = self.app.t
        self.photo_state = None
        cards = self.detail.photos()
        if not cards:
            return []
        parts: list[ft.Control] = [section_title(t("photo.section"))]
        if view.finalized:
            self.photo_state = ft.Text(value="", weight=ft.FontWeight.W_500)
            self._fill_photo_state()
            parts.append(tagged(self.photo_state, "detail-photos-state"))
        else:
            parts.append(
                ft.Text(value=t("photo.after_finalize"), size=12, color=ft.Colors.ON_SURFACE_VARIANT)
            )
        self.photo_list = ft.Column(
            controls=[photo_tile(self.app, card, show_upload=view.finalized) for card in cards], spacing=8
        )
        parts.append(tagged(self.photo_list, "detail-photos"))
        return parts

    def _fill_photo_state(self) -> None:
        summary = self.detail.upload_summary()
        if summary is None or summary.key is None or self.photo_state is None:
            return
        self.photo_state.value = self.app.t(summary.key, pending=summary.pending, total=summary.total)
        self.photo_state.color = ft.Colors.AMBER_900 if summary.pending else ft.Colors.GREEN_800

    def sync_changed(self) -> None:
        """A sync run ended: the photos may have gone up meanwhile (redrawn in place)."""
        if self.photo_state is None or (self.app.sync is not None and self.app.sync.running):
            return
        with self.app.guard(activity=False):  # not the observer's doing
            self._fill_photo_state()
            self.photo_list.controls = [
                photo_tile(self.app, card, show_upload=True) for card in self.detail.photos()
            ]
            self.app.page.update()

    def _history(self, view: RecordView) -> list[ft.Control]:
        t = self.app.t
        if not view.history:
            return []
        rows: list[ft.Control] = [section_title(t("detail.history"))]
        for event in view.history:
            text = f"{ltr(short_time(event.at))} — {state_label(self.app, event.state)}"
            if event.message:
                text += f": {self.app.tr.shown(event.message)}"
            elif event.by:
                text += f": {ltr(short_id(event.by))}"
            rows.append(ft.Text(value=text, size=13))
        return [tagged(ft.Column(controls=rows, spacing=4), "detail-history")]

    def _back(self, _event: ft.Event[ft.IconButton]) -> None:
        with self.app.guard():
            self.app.show_home()

    def _answer(self, _event: ft.Event[ft.Button]) -> None:
        with self.app.guard():
            self.app.show_form(self.detail.answer())

    def _amend(self, _event: ft.Event[ft.Button]) -> None:
        with self.app.guard():
            self.app.show_form(self.detail.amend())

    def _edit(self, _event: ft.Event[ft.Button]) -> None:
        with self.app.guard():
            self.app.show_form(self.detail.edit())

    def _delete(self, _event: ft.Event[ft.OutlinedButton]) -> None:
        with self.app.guard():
            t = self.app.t

            def delete() -> None:
                self.detail.delete()
                self.app.show_home("drafts")

            confirm(
                self.app,
                title=t("detail.delete_title"),
                text=t("detail.delete_text"),
                confirm_label=t("detail.delete"),
                on_confirm=delete,
                identifier="delete-confirm",
                danger=True,
            )
