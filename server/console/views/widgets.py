"""Small controls the console's screens share: test handles, headings, state chips, field rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import flet as ft

from ..state import STATE_COLOURS, label

if TYPE_CHECKING:
    from ..app import ConsoleApp


def tagged(control: ft.Control, identifier: str) -> ft.Semantics:
    """A control with a stable identifier that reaches the DOM (tests select on it)."""
    return ft.Semantics(content=control, identifier=identifier)


def report_opener(app: ConsoleApp, record_id: str) -> Callable[[ft.Event], Awaitable[None]]:
    """A click handler that opens that report (links between reports, pins on the maps)."""

    async def handler(_event: ft.Event) -> None:
        await app.open("report", record_id=record_id)

    return handler


def show_error(field: ft.TextField | ft.Dropdown, text: str | None) -> None:
    """Put a refusal under its field (None clears it): a TextField calls it `error`, a Dropdown
    `error_text`; setting the other name draws nothing."""
    if isinstance(field, ft.Dropdown):
        field.error_text = text
    else:
        field.error = text


def heading(text: str, *, size: int = 20) -> ft.Text:
    return ft.Text(text, size=size, weight=ft.FontWeight.BOLD)


def state_chip(state: str | None, *, identifier: str | None = None) -> ft.Control:
    colour = STATE_COLOURS.get(state or "", "bluegrey")
    chip = ft.Container(
        content=ft.Text(label(state) or "—", color=ft.Colors.WHITE, size=12, weight=ft.FontWeight.BOLD),
        bgcolor=colour,
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
        border_radius=10,
    )
    return tagged(chip, identifier) if identifier else chip


# A field row's label beside its value from this page width (ResponsiveRow's breakpoints are the
# page's width), above it on a phone, so a long value never squeezes into a narrow column.
FIELD_ROW_SIDE_BY_SIDE = "md"  # 768 px and wider


def field_row(name: str, value: Any, *, identifier: str | None = None) -> ft.Control:
    """`name   value` in two columns (one above the other at phone width); lists and dicts are
    written out readably."""
    row = ft.ResponsiveRow(
        [
            ft.Text(name, color=ft.Colors.BLUE_GREY_700, size=13, col={"xs": 12, FIELD_ROW_SIDE_BY_SIDE: 3}),
            ft.Text(describe(value), col={"xs": 12, FIELD_ROW_SIDE_BY_SIDE: 9}),
        ],
        spacing=8,
        run_spacing=0,
        vertical_alignment=ft.CrossAxisAlignment.START,
    )
    return tagged(row, identifier) if identifier else row


ButtonT = TypeVar("ButtonT", bound=ft.LayoutControl)
TOUCH_PX = 48


def touch(button: ButtonT) -> ButtonT:
    """A button at least 48 px high (the touch target Material and WCAG ask for on a phone)."""
    button.height = max(TOUCH_PX, button.height or 0)
    return button


def describe(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and set(value) == {"id", "name"}:
        return f"{describe(value['name'])} (register id {describe(value['id'])})"  # picked from a register
    if isinstance(value, dict):
        return ", ".join(f"{label(str(k))}: {describe(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list | tuple):
        return ", ".join(describe(v) for v in value) or "—"
    return str(value)


def card(*controls: ft.Control, padding: int = 14, expand: bool | int | None = None) -> ft.Container:
    return ft.Container(
        content=ft.Column(
            list(controls), spacing=8, tight=True, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
        ),
        padding=padding,
        border=ft.Border.all(1, ft.Colors.BLUE_GREY_100),
        border_radius=8,
        bgcolor=ft.Colors.WHITE,
        expand=expand,
    )


def dropdown(
    label_text: str,
    values: list[tuple[str, str]],
    value: str | None,
    *,
    width: int = 190,
) -> ft.Dropdown:
    """A dropdown of (key, text) pairs; the key "" means "any"."""
    return ft.Dropdown(
        label=label_text,
        value=value or "",
        options=[ft.DropdownOption(key=key, text=text) for key, text in values],
        width=width,
        dense=True,
    )
