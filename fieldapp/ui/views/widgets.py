"""Building blocks every screen uses: test handles, touch-sized buttons, the screen frame."""

from collections.abc import Callable
from typing import Any

import flet as ft

from fieldapp.ui.theme import TOUCH

Handler = Callable[..., Any] | None


def tagged(control: ft.Control, identifier: str) -> ft.Semantics:
    """Give a control a stable handle for tests (`flt-semantics-identifier` on the web)."""
    return ft.Semantics(content=control, identifier=identifier)


def primary_button(
    text: str, identifier: str, on_click: Handler, *, icon: ft.IconData | None = None, danger: bool = False
) -> ft.Control:
    style = ft.ButtonStyle(bgcolor=ft.Colors.RED_700) if danger else None
    button = ft.FilledButton(
        content=text, icon=icon, on_click=on_click, height=TOUCH, expand=True, style=style
    )
    return tagged(ft.Row(controls=[button]), identifier)


def secondary_button(
    text: str, identifier: str, on_click: Handler, *, icon: ft.IconData | None = None
) -> ft.Control:
    button = ft.OutlinedButton(content=text, icon=icon, on_click=on_click, height=TOUCH, expand=True)
    return tagged(ft.Row(controls=[button]), identifier)


def icon_button(icon: ft.IconData, tooltip: str, identifier: str, on_click: Handler) -> ft.Control:
    button = ft.IconButton(icon=icon, tooltip=tooltip, on_click=on_click, width=TOUCH, height=TOUCH)
    return tagged(button, identifier)


def section_title(text: str) -> ft.Text:
    return ft.Text(value=text, size=16, weight=ft.FontWeight.BOLD)


def message(identifier: str, text: str | None = None, *, error: bool = False) -> ft.Semantics:
    """A line of feedback with a test handle, hidden while empty (set it with `say`).
    The wrapper hides, not the text: Flet refuses a Semantics around an invisible control."""
    colour = ft.Colors.RED_800 if error else ft.Colors.ON_SURFACE_VARIANT
    return ft.Semantics(
        content=ft.Text(value=text or "", color=colour), identifier=identifier, visible=bool(text)
    )


def say(line: ft.Semantics, text: str | None, *, colour: ft.ColorValue | None = None) -> None:
    """Show (or, with no text, hide) a line made by `message`."""
    shown = line.content
    if not isinstance(shown, ft.Text):
        raise TypeError("say() takes a line made by message()")
    shown.value = text or ""
    if colour is not None:
        shown.color = colour
    line.visible = bool(text)


def screen(
    *,
    title: str,
    body: list[ft.Control],
    actions: list[ft.Control] | None = None,
    leading: ft.Control | None = None,
    trailing: list[ft.Control] | None = None,
    header_extra: list[ft.Control] | None = None,
    scroll_body: bool = True,
    body_ref: ft.Ref[ft.Column] | None = None,
) -> ft.Control:
    """A phone screen: title bar, a body that scrolls, primary actions pinned at the bottom
    (within thumb reach), nothing wider than the viewport."""
    bar_items: list[ft.Control] = []
    if leading is not None:
        bar_items.append(leading)
    heading = ft.Text(
        value=title, size=20, weight=ft.FontWeight.W_600, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS
    )
    bar_items.append(ft.Container(content=tagged(heading, "screen-title"), expand=True))
    bar_items.extend(trailing or [])
    header = ft.Container(
        content=ft.Row(controls=bar_items, vertical_alignment=ft.CrossAxisAlignment.CENTER, spacing=4),
        padding=ft.Padding.symmetric(horizontal=12, vertical=4),
        bgcolor=ft.Colors.PRIMARY_CONTAINER,
        height=56,
    )
    content = ft.Column(
        ref=body_ref,
        controls=body,
        spacing=12,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        scroll=ft.ScrollMode.AUTO if scroll_body else None,
        expand=True,
    )
    parts: list[ft.Control] = [header, *(header_extra or [])]
    parts.append(
        ft.Container(content=content, padding=ft.Padding.symmetric(horizontal=16, vertical=8), expand=True)
    )
    if actions:
        parts.append(
            ft.Container(
                content=ft.Column(controls=actions, spacing=8),
                padding=ft.Padding.only(left=16, right=16, top=8, bottom=12),
                border=ft.Border.only(top=ft.BorderSide(width=1, color=ft.Colors.OUTLINE_VARIANT)),
            )
        )
    return ft.Container(
        content=ft.Column(controls=parts, spacing=0, expand=True),
        expand=True,
        alignment=ft.Alignment.TOP_CENTER,
    )
