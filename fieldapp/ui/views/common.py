"""Pieces shared by several screens: the language switch and confirmation dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.i18n import LANGUAGES
from fieldapp.ui.theme import ARABIC_FONT, TOUCH
from fieldapp.ui.views.widgets import tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell


def language_switch(app: AppShell) -> ft.Control:
    """A button naming the other language in its own script (so anyone can find it)."""
    other = "ar" if app.tr.language == "en" else "en"
    name = LANGUAGES[other][0]

    def switch(_event: ft.Event[ft.TextButton]) -> None:
        with app.guard():
            app.set_language(other)

    style = ft.TextStyle(font_family=ARABIC_FONT) if other == "ar" else None
    button = ft.TextButton(content=ft.Text(value=name, style=style), on_click=switch, height=TOUCH)
    return tagged(button, "language-toggle")


def confirm(
    app: AppShell,
    *,
    title: str,
    text: str,
    confirm_label: str,
    on_confirm: Callable[[], None],
    identifier: str,
    typed_word: str | None = None,
    danger: bool = False,
) -> None:
    """A dialog asking to confirm; with `typed_word`, the word must be typed first."""
    word_field: ft.TextField | None = None
    error = ft.Text(value="", color=ft.Colors.RED_800, visible=False)

    def close(_event: ft.Event[ft.TextButton]) -> None:
        with app.guard():
            app.page.pop_dialog()

    def accept(_event: ft.Event[ft.Button] | ft.Event[ft.TextField]) -> None:
        with app.guard():
            typed = (word_field.value or "").strip().upper() if word_field is not None else None
            if typed_word and typed != typed_word.upper():
                error.value = app.t("confirm.word_mismatch", word=typed_word)
                error.visible = True
                error.update()
                return
            app.page.pop_dialog()
            on_confirm()

    body: list[ft.Control] = [ft.Text(value=text)]
    if typed_word:
        word_field = ft.TextField(label=app.t("confirm.type_word", word=typed_word), on_submit=accept)
        body.append(tagged(word_field, f"{identifier}-word"))
    body.append(error)
    style = ft.ButtonStyle(bgcolor=ft.Colors.RED_700) if danger else None
    dialog = ft.AlertDialog(
        modal=True,
        title=ft.Text(value=title),
        content=ft.Column(controls=body, tight=True, spacing=12),
        actions=[
            tagged(
                ft.TextButton(content=app.t("common.cancel"), on_click=close, height=TOUCH),
                f"{identifier}-cancel",
            ),
            tagged(
                ft.FilledButton(content=confirm_label, on_click=accept, height=TOUCH, style=style),
                f"{identifier}-ok",
            ),
        ],
    )
    app.page.show_dialog(dialog)
