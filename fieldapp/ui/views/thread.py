"""The answer thread's lines on a detail: "Answered by report …" / "Answers report …" (or
amended / amends), each with a button that opens the other report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.bidi import ltr
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.widgets import tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.thread import Thread


def short_id(record_id: str) -> str:
    """The first block of a report's UUID: enough to tell one's own reports apart."""
    return record_id.split("-", 1)[0]


def thread_lines(app: AppShell, thread: Thread) -> list[ft.Control]:
    lines: list[ft.Control] = []
    for key, other, identifier in (
        ("thread.answered_by", thread.answered_by, "detail-answered-by"),
        ("thread.amended_by", thread.amended_by, "detail-amended-by"),
        ("thread.answers", thread.answers, "detail-answers"),
        ("thread.amends", thread.amends, "detail-amends"),
    ):
        if other:
            lines.append(tagged(_line(app, app.t(key, id=ltr(short_id(other))), other, identifier), identifier))
    return lines


def _line(app: AppShell, text: str, other: str, identifier: str) -> ft.Control:
    def open_other(_event: ft.Event[ft.TextButton]) -> None:
        with app.guard():
            app.show_detail(other)

    return ft.Container(
        content=ft.Row(
            controls=[
                ft.Icon(icon=ft.Icons.LINK, size=18, color=ft.Colors.TEAL_700),
                ft.Text(value=text, expand=True, weight=ft.FontWeight.W_500),
                tagged(
                    ft.TextButton(content=app.t("thread.open"), on_click=open_other, height=TOUCH),
                    f"{identifier}-open",
                ),
            ],
            spacing=8,
        ),
        bgcolor=ft.Colors.TEAL_50,
        border_radius=8,
        padding=ft.Padding.only(left=12, right=4),
    )
