"""Photos on the form: the list (stored and waiting), the photo's EXIF offer, the line
saying what happened, "Take photo" (the camera dialog) and "Add photo" (the page's file picker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.state.form_record import local_time_text
from fieldapp.ui.state.photos import MAX_COUNT, MAX_MB, PICK_EXTENSIONS
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.form.camera import CameraDialog
from fieldapp.ui.views.photos import notice_text, photo_tile
from fieldapp.ui.views.widgets import message, say, section_title, tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.observation_form import ObservationForm
    from fieldapp.ui.state.photos import FormPhotos


class PhotoSection:
    def __init__(self, app: AppShell, form: ObservationForm, redraw: Callable[[], None]) -> None:
        self.app = app
        self.form = form
        self.redraw = redraw
        self.photo_list = ft.Column(controls=[], spacing=8)
        self.offer = ft.Container()
        self.notice = message("photo-notice")

    @property
    def photos(self) -> FormPhotos:
        return self.form.photos_on(self.app.device)

    def build(self) -> list[ft.Control]:
        t = self.app.t
        self.photo_list = ft.Column(controls=[], spacing=8)
        self.offer = ft.Container()
        self.notice = message("photo-notice")
        # The picker opens on the client inside the tap (PickFiles): browsers, iOS Safari
        # above all, open a file dialog only while handling the user's own gesture.
        add = ft.OutlinedButton(
            content=t("photo.add"),
            icon=ft.Icons.ADD_A_PHOTO_OUTLINED,
            height=TOUCH,
            expand=True,
            action=ft.PickFiles(
                file_picker=self.app.file_picker(),
                file_type=ft.FilePickerFileType.CUSTOM,
                allowed_extensions=PICK_EXTENSIONS,
                with_data=True,
                cancel_upload_on_window_blur=False,
            ),
        )
        camera = ft.OutlinedButton(
            content=t("photo.camera"),
            icon=ft.Icons.PHOTO_CAMERA_OUTLINED,
            height=TOUCH,
            expand=True,
            on_click=CameraDialog(self.app, lambda: self.photos, self._captured).open,
        )
        self.fill()
        return [
            section_title(t("photo.section")),
            ft.Text(
                value=t("photo.add_help", max_mb=MAX_MB, max_count=MAX_COUNT),
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            tagged(self.photo_list, "form-photos"),
            self.offer,
            self.notice,
            ft.Row(controls=[tagged(camera, "photo-camera"), tagged(add, "photo-add")], spacing=8),
        ]

    def fill(self) -> None:
        """Draw the photos, the offer and the notice as the state has them now."""
        t = self.app.t
        photos = self.photos
        self.photo_list.controls = [
            photo_tile(self.app, card, on_remove=self._remove) for card in photos.cards
        ]
        offer = photos.suggestion
        if offer:
            parts = []
            if offer.get("observed_at"):
                parts.append(t("photo.offer_time", time=local_time_text(offer["observed_at"])))
            if offer.get("location"):
                where = offer["location"]
                parts.append(t("photo.offer_place", lat=f"{where['lat']:.5f}", lon=f"{where['lon']:.5f}"))
            self.offer.content = ft.Container(
                content=ft.Column(
                    controls=[
                        tagged(ft.Text(value=t("photo.offer", details=", ".join(parts))), "photo-offer-text"),
                        tagged(
                            ft.FilledTonalButton(
                                content=t("photo.use_hints"),
                                icon=ft.Icons.PLACE_OUTLINED,
                                on_click=self._use_hints,
                                height=TOUCH,
                            ),
                            "photo-use-hints",
                        ),
                    ],
                    spacing=8,
                ),
                bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
                padding=12,
                border_radius=8,
            )
            self.offer.visible = True
        else:
            self.offer.content = None
            self.offer.visible = False
        notice = photos.notice
        say(
            self.notice,
            notice_text(self.app, notice) if notice else None,
            colour=ft.Colors.RED_800 if notice and notice.is_error else ft.Colors.ON_SURFACE_VARIANT,
        )

    def _captured(self) -> None:
        self.fill()
        self.app.page.update()

    def _remove(self, sha256: str) -> None:
        with self.app.guard():
            self.photos.discard(sha256)
            self.fill()

    def _use_hints(self, _event: ft.Event[ft.Button]) -> None:
        with self.app.guard():
            self.form.use_photo_hints()
            self.redraw()
