"""A report's photos in the console: thumbnail, name, size, the signed SHA-256 and whether the
whole file has arrived and matched it; the full image in a dialog; the original as a download.

Every image reaches the browser as bytes inside the Flet session (fetched server side with
the verifier's token), never as a URL: a URL the browser fetched itself would need the
token in it. A download goes through a single-use ticket, like the exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from ..state import PREVIEW_PX, FullPhoto, ReportPhoto, ReportState, short_time, size_text
from .widgets import TOUCH_PX, card, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp

THUMB_BOX = 132
EVIDENCE_NOTE = (
    "Photos are evidence. The observer's device took each photo's SHA-256 when it was attached "
    "and signed it in this report. The server accepted a photo only after checking the whole "
    "file against that signed SHA-256 (a file that did not match was refused), so "
    "\u201creceived, hash verified\u201d means these are exactly the bytes the device signed."
)
STATUS_LOOK = {
    "complete": (ft.Icons.VERIFIED, ft.Colors.GREEN_700, ft.Colors.GREEN_800),
    "partial": (ft.Icons.HOURGLASS_TOP, ft.Colors.ORANGE_800, ft.Colors.ORANGE_900),
    "absent": (ft.Icons.CLOUD_OFF, ft.Colors.BLUE_GREY_400, ft.Colors.BLUE_GREY_700),
}


class PhotosCard:
    def __init__(self, app: ConsoleApp, state: ReportState) -> None:
        self.app = app
        self.state = state

    def control(self) -> ft.Control:
        photos = self.state.photos
        title = f"Photos ({len(photos)})" if photos else "Photos"
        rows: list[ft.Control] = [ft.Text(title, weight=ft.FontWeight.BOLD)]
        if not photos:
            rows.append(ft.Text("The signed report lists no photos.", color=ft.Colors.BLUE_GREY_700))
        else:
            rows.append(tagged(ft.Text(EVIDENCE_NOTE, size=12, color=ft.Colors.BLUE_GREY_800), "photos-note"))
            rows += [self._row(photo) for photo in photos]
        return tagged(card(*rows), "photos-card")

    # -- one photo ------------------------------------------------------------------------

    def _row(self, photo: ReportPhoto) -> ft.Control:
        icon, icon_colour, text_colour = STATUS_LOOK[photo.status]
        status = ft.Row(
            [
                ft.Icon(icon, color=icon_colour, size=18),
                ft.Text(photo.status_text, color=text_colour, weight=ft.FontWeight.BOLD),
            ],
            spacing=6,
        )
        details: list[ft.Control] = [
            ft.Text(photo.name or "(no name)", weight=ft.FontWeight.BOLD),
            ft.Text(f"{size_text(photo.size)} · {photo.mime}", size=12, color=ft.Colors.BLUE_GREY_700),
            ft.Text("SHA-256 (signed by the device)", size=12, color=ft.Colors.BLUE_GREY_700),
            tagged(ft.Text(photo.sha256, size=12, font_family="monospace"), f"photo-sha-{photo.sha256}"),
            tagged(status, f"photo-status-{photo.sha256}"),
        ]
        if photo.complete:
            if photo.completed_at:
                details.append(
                    ft.Text(
                        f"complete {short_time(photo.completed_at)}", size=12, color=ft.Colors.BLUE_GREY_600
                    )
                )
            details.append(
                ft.Row(
                    [
                        tagged(
                            ft.OutlinedButton(
                                content="Open full size",
                                icon=ft.Icons.OPEN_IN_FULL,
                                on_click=self._opener(photo.sha256),
                                height=TOUCH_PX,
                            ),
                            f"photo-open-{photo.sha256}",
                        ),
                        tagged(
                            ft.TextButton(
                                content="Download",
                                icon=ft.Icons.DOWNLOAD,
                                on_click=self._downloader(photo.sha256),
                                height=TOUCH_PX,
                            ),
                            f"photo-download-{photo.sha256}",
                        ),
                    ],
                    wrap=True,
                )
            )
        return tagged(
            ft.Row(
                [self._thumbnail(photo), ft.Column(details, spacing=4, expand=True)],
                vertical_alignment=ft.CrossAxisAlignment.START,
                spacing=12,
            ),
            f"photo-{photo.sha256}",
        )

    def _thumbnail(self, photo: ReportPhoto) -> ft.Control:
        def box(content: ft.Control) -> ft.Container:
            return ft.Container(
                content=content,
                width=THUMB_BOX,
                height=THUMB_BOX,
                bgcolor=ft.Colors.BLUE_GREY_50,
                border_radius=6,
                alignment=ft.Alignment.CENTER,
            )

        if not photo.complete:
            icon = ft.Icons.HOURGLASS_TOP if photo.status == "partial" else ft.Icons.IMAGE_NOT_SUPPORTED
            return box(ft.Icon(icon, color=ft.Colors.BLUE_GREY_300, size=40))
        if photo.sha256 not in self.state.thumbnails:
            return box(ft.Text("loading preview…", size=12))
        image = self.state.thumbnails[photo.sha256]
        if image is None:
            return box(ft.Text("no preview", size=12))
        return tagged(
            box(
                ft.Image(
                    src=image,
                    fit=ft.BoxFit.CONTAIN,
                    semantics_label=f"thumbnail of {photo.name}",
                    error_content=ft.Text("preview could not be drawn", size=12),
                )
            ),
            f"photo-thumb-{photo.sha256}",
        )

    # -- actions --------------------------------------------------------------------------

    def _opener(self, sha256: str):
        async def handler(_event: ft.Event) -> None:
            async def run() -> None:
                shown = await self.state.full_photo(self.app.api, sha256)
                self.app.page.show_dialog(self._dialog(shown))

            await self.app.guard(run)

        return handler

    def _downloader(self, sha256: str):
        async def handler(_event: ft.Event) -> None:
            await self.app.guard(lambda: self.app.download_photo(self.state.record_id, sha256))

        return handler

    def _dialog(self, shown: FullPhoto) -> ft.AlertDialog:
        photo = shown.photo
        if shown.scaled:
            note = (
                f"Shown at {PREVIEW_PX} px: the original is {size_text(photo.size)}. "
                "Download it for the file exactly as signed."
            )
        else:
            note = (
                "The original file. The console checked again that these bytes hash to the "
                f"SHA-256 the device signed: {photo.sha256}"
            )

        async def close(_event: ft.Event) -> None:
            self.app.page.pop_dialog()

        async def download(_event: ft.Event) -> None:
            self.app.page.pop_dialog()
            await self.app.guard(lambda: self.app.download_photo(self.state.record_id, photo.sha256))

        page_width = self.app.page.width or 1280
        page_height = self.app.page.height or 800
        return ft.AlertDialog(
            title=ft.Text(photo.name or photo.sha256, size=16),
            content=ft.Container(
                width=max(320, min(1100, page_width - 160)),
                content=ft.Column(
                    [
                        tagged(
                            ft.Container(
                                content=ft.Image(
                                    src=shown.image,
                                    fit=ft.BoxFit.CONTAIN,
                                    semantics_label=f"full size of {photo.name}",
                                    error_content=ft.Text("The image could not be drawn."),
                                ),
                                height=max(240, page_height - 280),
                                alignment=ft.Alignment.CENTER,
                            ),
                            "photo-dialog-image",
                        ),
                        tagged(ft.Text(note, size=12, color=ft.Colors.BLUE_GREY_800), "photo-dialog-note"),
                    ],
                    tight=True,
                    spacing=8,
                ),
            ),
            actions=[
                tagged(
                    ft.TextButton(content="Download", icon=ft.Icons.DOWNLOAD, on_click=download),
                    "photo-dialog-download",
                ),
                tagged(ft.Button(content="Close", on_click=close), "photo-dialog-close"),
            ],
        )
