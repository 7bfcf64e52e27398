"""A register field of the form (unit, camp, destination camp, crossing, storage site): type to
search the device's registers by name in English or Arabic, nearest first, and tap an entry;
or leave what was typed as free text for what the register lacks.

Renders only: the choices and what a tap does are `ObservationForm`'s (register_options,
pick_entry, type_entry).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.theme import ARABIC_FONT, TOUCH
from fieldapp.ui.views.labels import field_label
from fieldapp.ui.views.widgets import tagged

if TYPE_CHECKING:
    from fieldapp.model import FieldSpec
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.observation_form import ObservationForm
    from fieldapp.ui.state.register_picker import RegisterChoice
    from fieldapp.ui.views.form.inputs import FieldInputs


def register_field(app: AppShell, form: ObservationForm, inputs: FieldInputs, spec: FieldSpec) -> ft.Control:
    name = spec.name
    identifier = f"detail-{name.replace('_', '-')}"
    options = ft.Column(controls=[], spacing=0)
    status = ft.Text(value="", size=12, color=ft.Colors.GREEN_800)

    def show_status() -> None:
        picked = form.picked(name)
        status.value = app.t("register.picked", id=picked) if picked else ""

    def fill(query: str) -> None:
        choices = form.register_options(app.device, name, query, app.tr.language)
        options.controls = [_choice_button(app, choice, identifier, on_pick) for choice in choices]

    def on_change(event: ft.Event[ft.TextField]) -> None:
        with app.guard():
            form.type_entry(name, event.control.value or "")
            show_status()
            fill(event.control.value or "")

    def on_focus(_event: ft.Event[ft.TextField]) -> None:
        with app.guard():
            if not form.picked(name):  # an empty or typed field: what the register has for it
                fill(form.entry_text(name))

    def on_pick(choice: RegisterChoice) -> None:
        with app.guard():
            form.pick_entry(name, choice)
            field.value = choice.label
            field.error = None
            options.controls = []
            show_status()

    field = ft.TextField(
        label=field_label(app, name) + (" *" if spec.required else ""),
        value=form.entry_text(name),
        helper=app.t("register.hint"),
        on_change=on_change,
        on_focus=on_focus,
    )
    inputs.add(f"details.{name}", field)
    show_status()
    return ft.Column(
        controls=[tagged(field, identifier), tagged(status, f"{identifier}-picked"), options], spacing=2
    )


def _choice_button(app: AppShell, choice: RegisterChoice, identifier: str, on_pick) -> ft.Control:
    away = app.t("register.away", km=f"{choice.distance_km:.0f}") if choice.distance_km is not None else ""
    subtitle = "  ·  ".join(part for part in (choice.other, away) if part)
    tile = ft.ListTile(
        title=ft.Text(value=choice.label),
        # the other language's name may be Arabic in an English UI: the shipped font draws it
        subtitle=ft.Text(value=subtitle, size=12, font_family=ARABIC_FONT) if subtitle else None,
        leading=ft.Icon(icon=ft.Icons.LIST_ALT_OUTLINED),
        on_click=lambda _e: on_pick(choice),
        min_height=TOUCH,
        dense=True,
    )
    return tagged(tile, f"{identifier}-choice-{choice.entry_id}")
