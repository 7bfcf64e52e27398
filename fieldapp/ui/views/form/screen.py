"""New / edit observation: kind first, then only that kind's fields; location by GPS,
coordinates, MGRS or the offline place list; photos; save draft or finalize.

The screen draws the sections and forwards taps; what the taps do is the form state's
(`ObservationForm.save` / `finalize`, `FormPhotos.take`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.state.observation_form import ObservationForm
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.common import confirm
from fieldapp.ui.views.form.details import common_fields, kind_details, when_row
from fieldapp.ui.views.form.inputs import FieldInputs
from fieldapp.ui.views.form.kind import kind_picker, kind_row
from fieldapp.ui.views.form.location import LocationSection
from fieldapp.ui.views.form.photos import PhotoSection
from fieldapp.ui.views.widgets import icon_button, message, screen, tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.observation_form import SaveOutcome
    from fieldapp.ui.state.photos import PickedFile

TITLES = {
    "edit": "form.title_edit",
    "answer": "form.title_answer",
    "amend": "form.title_amend",
    "new": "form.title_new",
}


class ObservationFormScreen:
    def __init__(self, app: AppShell, *, form: ObservationForm | None = None) -> None:
        self.app = app
        self.form = form or ObservationForm(clock=app.clock)
        self.inputs = FieldInputs(app)
        self.location = LocationSection(app, self.form, self.inputs, self.redraw)
        self.photos = PhotoSection(app, self.form, self.redraw)
        self.error = message("form-error", error=True)

    def redraw(self) -> None:
        self.app.show(self)

    # -- building -----------------------------------------------------------------------

    def build(self) -> ft.Control:
        t = self.app.t
        title = t(TITLES[self.form.purpose])
        back = icon_button(ft.Icons.ARROW_BACK, t("common.back"), "form-back", self._back)
        if not self.form.kind:
            return screen(title=title, leading=back, body=kind_picker(self.app, self.form, self.redraw))
        self.inputs.controls = {}
        self.error = message("form-error", error=True)
        body: list[ft.Control] = [
            *question_box(self.app, self.form.question),
            kind_row(self.app, self.form, self.redraw),
            when_row(self.app, self.form, self.inputs),
            *self.location.build(),
            *common_fields(self.app, self.form, self.inputs),
            *kind_details(self.app, self.form, self.inputs),
            *self.photos.build(),
            self.error,
        ]
        self.inputs.show_errors(self.form, self.error)
        return screen(title=title, leading=back, body=body, actions=[self._actions()])

    def _actions(self) -> ft.Control:
        t = self.app.t
        save = ft.OutlinedButton(
            content=t("form.save_draft"),
            icon=ft.Icons.SAVE_OUTLINED,
            on_click=self._save,
            height=TOUCH,
            expand=True,
        )
        finalize = ft.FilledButton(
            content=t("form.finalize"),
            icon=ft.Icons.VERIFIED_OUTLINED,
            on_click=self._finalize,
            height=TOUCH,
            expand=True,
        )
        # The tagged buttons must share the row's width: wrap each in an expanding container.
        return ft.Row(
            controls=[
                ft.Container(content=tagged(save, "form-save"), expand=True),
                ft.Container(content=tagged(finalize, "form-finalize"), expand=True),
            ],
            spacing=8,
        )

    # -- what the app hands the screen -------------------------------------------------

    async def photo_picked(self, files: Sequence[PickedFile]) -> None:
        """The page's file picker result (FilePicker.on_result, through the app)."""
        with self.app.guard():
            photos = self.photos.photos
            if files and photos.busy:  # one batch at a time: the photo list is not shared between threads
                self.app.toast(self.app.t("photo.busy"))
                return
            if await photos.take(files, progress=self._photos_progress) is None:
                return  # cancelled
            # a "save first" may have saved the draft: its messages beside fields are as they were
            self.photos.fill()
            self.app.page.update()

    def _photos_progress(self) -> None:
        self.photos.fill()
        self.app.page.update()

    # -- actions ---------------------------------------------------------------------------

    def _back(self, _event: ft.Event[ft.IconButton]) -> None:
        with self.app.guard():
            self.app.show_home()

    def _saved(self) -> SaveOutcome:
        """The form saved as a draft; what went wrong is drawn (busy: a toast)."""
        outcome = self.form.save(self.app.device)
        if outcome.busy:
            self.app.toast(self.app.t("photo.busy"))
        else:
            self.inputs.show_errors(self.form, self.error)
            self.photos.fill()
        return outcome

    def _save(self, _event: ft.Event[ft.OutlinedButton]) -> None:
        with self.app.guard():
            if self._saved().ok:
                self.app.toast(self.app.t("form.saved"))
                self.app.show_home("drafts")

    def _finalize(self, _event: ft.Event[ft.Button]) -> None:
        with self.app.guard():
            if not self._saved().ok:
                return
            t = self.app.t

            def do_finalize() -> None:
                record_id = self.form.finalize(self.app.device)
                self.app.toast(t("form.finalized"))
                self.app.sync_now(watch=record_id)  # "sent" is said when the server has it
                self.app.show_home("pending")

            confirm(
                self.app,
                title=t("form.finalize_title"),
                text=t("form.finalize_text"),
                confirm_label=t("form.finalize"),
                on_confirm=do_finalize,
                identifier="finalize-confirm",
            )


def question_box(app: AppShell, question: str | None) -> list[ft.Control]:
    """Above an answer's form: what the verifier asked (the form is the answer)."""
    if not question:
        return []
    box = ft.Container(
        content=ft.Column(
            controls=[
                ft.Text(value=app.t("form.question"), weight=ft.FontWeight.BOLD),
                ft.Text(value=app.tr.shown(question)),
            ],
            spacing=4,
        ),
        bgcolor=ft.Colors.ORANGE_50,
        padding=12,
        border_radius=8,
        border=ft.Border.all(width=1, color=ft.Colors.ORANGE_300),
    )
    return [tagged(box, "form-question")]
