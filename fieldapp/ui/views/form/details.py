"""When and what: the time (with "Now"), how observed, certainty, description, controlling
side, then only the chosen kind's detail fields (from `describe_kind`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.labels import choice_label, field_label, kind_label
from fieldapp.ui.views.widgets import section_title, tagged

if TYPE_CHECKING:
    from fieldapp.model import FieldSpec
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.observation_form import ObservationForm
    from fieldapp.ui.views.form.inputs import FieldInputs


def when_row(app: AppShell, form: ObservationForm, inputs: FieldInputs) -> ft.Control:
    field = ft.TextField(
        label=app.t("form.observed_at"),
        value=form.observed_at,
        helper=app.t("form.observed_at_help"),
        expand=True,
        on_change=lambda e: setattr(form, "observed_at", e.control.value),
    )
    inputs.add("observed_at", field)

    def now(_event: ft.Event[ft.TextButton]) -> None:
        with app.guard():
            form.set_time_now()
            field.value = form.observed_at

    return ft.Row(
        controls=[
            ft.Container(content=tagged(field, "form-observed-at"), expand=True),
            tagged(ft.TextButton(content=app.t("form.now"), on_click=now, height=TOUCH), "form-now"),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def common_fields(app: AppShell, form: ObservationForm, inputs: FieldInputs) -> list[ft.Control]:
    from fieldapp.model import CERTAINTIES, OBSERVED_BY

    t = app.t
    description = ft.TextField(
        label=t("field.description"),
        value=form.description,
        multiline=True,
        min_lines=2,
        max_lines=6,
        on_change=lambda e: setattr(form, "description", e.control.value),
    )
    side = ft.TextField(
        label=t("field.controlling_side"),
        value=form.controlling_side,
        on_change=lambda e: setattr(form, "controlling_side", e.control.value),
    )
    inputs.add("description", description)
    inputs.add("controlling_side", side)
    return [
        section_title(t("form.what_seen")),
        inputs.dropdown(
            "observed_by",
            t("field.observed_by"),
            OBSERVED_BY,
            form.observed_by,
            lambda v: setattr(form, "observed_by", v),
            field_name="observed_by",
        ),
        inputs.dropdown(
            "certainty",
            t("field.certainty"),
            CERTAINTIES,
            form.certainty,
            lambda v: setattr(form, "certainty", v),
            field_name="certainty",
        ),
        tagged(description, "form-description"),
        tagged(side, "form-controlling-side"),
    ]


def kind_details(app: AppShell, form: ObservationForm, inputs: FieldInputs) -> list[ft.Control]:
    specs = form.detail_specs()
    if not specs:
        return []
    parts: list[ft.Control] = [section_title(app.t("form.details", kind=kind_label(app, form.kind)))]
    parts += [_detail(app, form, inputs, spec) for spec in specs]
    return parts


def _detail(app: AppShell, form: ObservationForm, inputs: FieldInputs, spec: FieldSpec) -> ft.Control:
    details = form.details
    path = f"details.{spec.name}"
    label = field_label(app, spec.name) + (" *" if spec.required else "")
    identifier = f"detail-{spec.name.replace('_', '-')}"

    def store(value: Any, name: str = spec.name) -> None:
        details[name] = value

    if spec.type == "ref":
        from fieldapp.ui.views.form.registers import register_field

        return register_field(app, form, inputs, spec)
    if spec.type == "choice":
        return inputs.dropdown(
            path, label, spec.choices or (), details.get(spec.name), store, field_name=spec.name
        )
    if spec.type == "bool":
        current = details.get(spec.name)
        value = None if current is None else ("yes" if current else "no")
        return inputs.dropdown(
            path,
            label,
            ("yes", "no"),
            value,
            lambda v: store(None if v is None else v == "yes"),
            field_name="yes_no",
        )
    if spec.type == "counts":
        counts = details.setdefault(spec.name, {})
        boxes = ft.Row(controls=[], wrap=True, spacing=8, run_spacing=8)
        for sub in spec.subfields or ():
            box = ft.TextField(
                label=choice_label(app, spec.name, sub),
                value=counts.get(sub, ""),
                width=100,
                keyboard_type=ft.KeyboardType.NUMBER,
                on_change=lambda e, sub=sub: counts.__setitem__(sub, e.control.value),
            )
            inputs.add(f"{path}.{sub}", box)
            boxes.controls.append(tagged(box, f"{identifier}-{sub}"))
        return ft.Column(controls=[ft.Text(value=label, weight=ft.FontWeight.W_500), boxes], spacing=4)
    numeric = spec.type in ("int", "float")
    field = ft.TextField(
        label=label,
        value=str(details.get(spec.name) or ""),
        keyboard_type=ft.KeyboardType.NUMBER if numeric else ft.KeyboardType.TEXT,
        multiline=not numeric and (spec.max_length or 0) > 200,
        on_change=lambda e: store(e.control.value),
    )
    inputs.add(path, field)
    return tagged(field, identifier)
