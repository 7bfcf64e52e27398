"""The form's input controls, by the error path each shows its message beside.

Sections register their fields here as they build them; after a save the screen puts
every error beside its field, and the ones with no field in one line below the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.state.model_messages import translate_model_message
from fieldapp.ui.views.labels import choice_label
from fieldapp.ui.views.widgets import say, tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.observation_form import FormError, ObservationForm

Input = ft.TextField | ft.Dropdown


def scroll_key(path: str) -> ft.ScrollKey:
    return ft.ScrollKey(f"field-{path}")  # type: ignore[call-arg]  # a dataclass mypy sees no __init__ of


class FieldInputs:
    def __init__(self, app: AppShell) -> None:
        self.app = app
        self.controls: dict[str, Input] = {}
        self.labels: dict[str, tuple[ft.Semantics, str]] = {}  # a dropdown's wrapper and label

    def add(self, path: str, control: Input) -> None:
        control.key = scroll_key(path)  # Finalize scrolls to the first field with a message
        self.controls[path] = control

    def first_error(self, form: ObservationForm) -> str | None:
        """The first field on screen (in the order drawn) with a message beside it."""
        return next((path for path in self.controls if path in form.errors), None)

    def dropdown(
        self,
        path: str,
        label: str,
        choices: Sequence[str],
        value: str | None,
        on_pick: Callable[[str | None], None],
        *,
        field_name: str,
    ) -> ft.Control:
        """A choice field: its values labelled from the vocabulary of `field_name`."""
        dropdown = ft.Dropdown(
            label=label,
            value=value,
            options=[ft.DropdownOption(key=c, text=choice_label(self.app, field_name, c)) for c in choices],
            on_select=lambda e: on_pick(e.control.value or None),
            expand=True,
            enable_filter=False,
            enable_search=False,
        )
        self.add(path, dropdown)
        wrapper = tagged(ft.Row(controls=[dropdown]), f"form-{path.replace('.', '-').replace('_', '-')}")
        # Flutter's web semantics give a dropdown neither its label nor its error: say both
        # on the wrapper, so a screen reader (and a test) hears "How observed * — Required."
        wrapper.label = label
        self.labels[path] = (wrapper, label)
        return wrapper

    def show_errors(self, form: ObservationForm, line: ft.Semantics) -> None:
        """Messages beside their fields (TextField.error / Dropdown.error_text); others in `line`."""
        for path, control in self.controls.items():
            error = form.errors.get(path)
            text = self.error_text(error) if error else None
            if isinstance(control, ft.Dropdown):
                control.error_text = text
                if path in self.labels:
                    wrapper, label = self.labels[path]
                    wrapper.label = f"{label} — {text}" if text else label
            else:
                control.error = text
        unplaced = [self.error_text(e) for p, e in form.errors.items() if p not in self.controls]
        say(
            line,
            "\n".join(unplaced)
            if unplaced
            else (self.app.t("form.error.fix_fields") if form.errors else None),
        )

    def error_text(self, error: FormError) -> str:
        if error.key:
            return self.app.t(error.key)
        return translate_model_message(error.text or "", self.app.tr)
