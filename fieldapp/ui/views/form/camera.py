"""The camera dialog of the form: a live preview, "Capture" and "Cancel" (flet-camera).

Renders only: starting the camera and handing the picture to the form's photos is
`state.camera.CameraCapture`. The dialog is modal, so the form under it stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.state.camera import CameraCapture
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.photos import notice_text
from fieldapp.ui.views.widgets import message, say, tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.photos import FormPhotos

PREVIEW = (320, 400)  # logical pixels; the preview keeps the camera's aspect inside


class CameraDialog:
    def __init__(self, app: AppShell, photos: Callable[[], FormPhotos], done: Callable[[], None]) -> None:
        self.app = app
        self.photos = photos
        self.done = done  # redraw the photo section

    async def open(self, _event: ft.Event[ft.OutlinedButton]) -> None:
        import flet_camera as fc  # only when the camera is used

        t = self.app.t
        self.state = CameraCapture(resolution=fc.ResolutionPreset.HIGH, clock=self.app.clock)
        self.camera = fc.Camera(width=PREVIEW[0], height=PREVIEW[1], preview_enabled=True)
        self.line = message("camera-notice", t("camera.starting"))
        self.capture_button = ft.FilledButton(
            content=t("camera.capture"),
            icon=ft.Icons.CAMERA_ALT,
            on_click=self._capture,
            height=TOUCH,
            disabled=True,
        )
        dialog = ft.AlertDialog(
            modal=True,
            title=ft.Text(value=t("camera.title")),
            content=ft.Column(
                controls=[tagged(self.camera, "camera-preview"), self.line], tight=True, spacing=8
            ),
            actions=[
                tagged(
                    ft.TextButton(content=t("common.cancel"), on_click=self._cancel, height=TOUCH),
                    "camera-cancel",
                ),
                tagged(self.capture_button, "camera-capture"),
            ],
        )
        with self.app.guard():
            self.app.page.show_dialog(dialog)
        started = await self.state.start(self.camera)
        with self.app.guard():
            self.capture_button.disabled = not started
            say(self.line, self._notice_text(), colour=ft.Colors.RED_800 if self.state.notice else None)
            self.app.page.update()

    async def _capture(self, _event: ft.Event[ft.Button]) -> None:
        with self.app.guard():
            self.capture_button.disabled = True
            say(self.line, self.app.t("photo.adding"))
            self.app.page.update()
        notice = await self.state.capture(self.camera, self.photos(), progress=self.done, closing=self._close)
        with self.app.guard():
            if self.state.notice is not None and notice is self.state.notice:  # the camera failed
                self.capture_button.disabled = False
                say(self.line, self._notice_text(), colour=ft.Colors.RED_800)
            self.done()
            self.app.page.update()

    def _close(self) -> None:
        self.app.page.pop_dialog()

    def _cancel(self, _event: ft.Event[ft.TextButton]) -> None:
        with self.app.guard():
            self._close()

    def _notice_text(self) -> str | None:
        return notice_text(self.app, self.state.notice) if self.state.notice else None
