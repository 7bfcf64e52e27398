"""The kind: big buttons first (nothing else until one is chosen), then a line to change it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.labels import kind_label
from fieldapp.ui.views.widgets import section_title, tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.observation_form import ObservationForm


def kind_picker(app: AppShell, form: ObservationForm, redraw: Callable[[], None]) -> list[ft.Control]:
    from fieldapp.model import KINDS

    def pick(kind: str) -> None:
        with app.guard():
            form.choose_kind(kind)
            redraw()

    rows: list[ft.Control] = [section_title(app.t("form.choose_kind"))]
    for kind in KINDS:
        button = ft.OutlinedButton(
            content=ft.Column(
                controls=[
                    ft.Text(value=kind_label(app, kind), weight=ft.FontWeight.W_600),
                    ft.Text(value=app.t(f"kind_hint.{kind}"), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                ],
                spacing=0,
                tight=True,
            ),
            on_click=lambda _e, kind=kind: pick(kind),
            style=ft.ButtonStyle(
                padding=ft.Padding.symmetric(horizontal=16, vertical=8),
                shape=ft.RoundedRectangleBorder(radius=8),
                alignment=ft.Alignment.CENTER_LEFT,
            ),
            height=64,
            expand=True,
        )
        rows.append(tagged(ft.Row(controls=[button]), f"kind-{kind}"))
    return rows


def kind_row(app: AppShell, form: ObservationForm, redraw: Callable[[], None]) -> ft.Control:
    def change(_event: ft.Event[ft.TextButton]) -> None:
        with app.guard():
            form.choose_kind(None)
            redraw()

    return ft.Row(
        controls=[
            ft.Text(
                value=app.t("form.kind", kind=kind_label(app, form.kind)),
                weight=ft.FontWeight.BOLD,
                expand=True,
            ),
            tagged(
                ft.TextButton(content=app.t("form.change_kind"), on_click=change, height=TOUCH),
                "form-change-kind",
            ),
        ],
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )
