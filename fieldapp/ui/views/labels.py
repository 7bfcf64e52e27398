"""Translated names for the record format's fixed vocabularies (kinds, states, choices)."""

from typing import Any


def kind_label(app: Any, kind: str | None) -> str:
    return app.t(f"kind.{kind}") if kind else app.t("kind.none")


def state_label(app: Any, state: str) -> str:
    return app.t(f"state.{state}")


def choice_label(app: Any, field: str, value: str) -> str:
    """A vocabulary value's label; compass points, range bands keep their own notation."""
    key = f"choice.{field}.{value}"
    return app.t(key) if app.tr.has(key) else value


def field_label(app: Any, name: str) -> str:
    return app.t(f"field.{name}")
