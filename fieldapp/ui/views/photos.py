"""A photo as the form and the detail screen show it: thumbnail, name, size, short SHA-256."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.state.photos import Notice, PhotoCard
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.widgets import tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell

THUMB_PX = 72


def photo_tile(
    app: AppShell,
    card: PhotoCard,
    *,
    on_remove: Callable[[str], None] | None = None,
    show_upload: bool = False,
) -> ft.Control:
    """`show_upload`: the photo's upload state (finalized records; a draft's photos wait anyway)."""
    t = app.t
    short = card.short_hash
    if card.thumbnail is not None:
        picture: ft.Control = ft.Image(
            src=card.thumbnail,
            width=THUMB_PX,
            height=THUMB_PX,
            fit=ft.BoxFit.COVER,
            semantics_label=card.name,
            border_radius=6,
        )
    else:
        picture = ft.Container(
            content=ft.Icon(icon=ft.Icons.BROKEN_IMAGE_OUTLINED),
            width=THUMB_PX,
            height=THUMB_PX,
            alignment=ft.Alignment.CENTER,
            bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
            border_radius=6,
            tooltip=t("photo.no_preview"),
        )
    lines: list[ft.Control] = [
        ft.Text(value=card.name, weight=ft.FontWeight.W_500, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS),
        ft.Text(value=card.size_text, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
        tagged(
            ft.Text(value=t("photo.sha256", hash=short), size=12, font_family="monospace"),
            f"photo-hash-{short}",
        ),
    ]
    if not card.stored:
        lines.append(ft.Text(value=t("photo.held_tag"), size=12, color=ft.Colors.AMBER_900))
    elif show_upload and card.upload_state:
        lines.append(
            ft.Text(value=t(f"photo.state.{card.upload_state}"), size=12, color=ft.Colors.ON_SURFACE_VARIANT)
        )
    controls: list[ft.Control] = [
        ft.Semantics(content=picture, identifier=f"photo-thumb-{short}", container=True, image=True),
        ft.Column(controls=lines, spacing=0, expand=True),
    ]
    if on_remove is not None:
        controls.append(
            tagged(
                ft.IconButton(
                    icon=ft.Icons.DELETE_OUTLINE,
                    tooltip=t("photo.remove"),
                    on_click=lambda _e, sha=card.sha256: on_remove(sha),
                    width=TOUCH,
                    height=TOUCH,
                ),
                f"photo-remove-{short}",
            )
        )
    return tagged(
        ft.Row(controls=controls, spacing=12, vertical_alignment=ft.CrossAxisAlignment.CENTER),
        f"photo-{short}",
    )


def notice_text(app: AppShell, notice: Notice) -> str:
    if notice.key:
        return app.t(notice.key, **notice.values)
    return notice.text or ""
