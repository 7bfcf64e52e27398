"""How the record format's fixed vocabularies read on screen: translated names (kinds,
states, choices), each state's colour, a record's time."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import flet as ft

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell

STATE_COLOURS = {
    "draft": ft.Colors.GREY_700,
    "queued": ft.Colors.AMBER_900,
    "sent": ft.Colors.BLUE_700,
    "received": ft.Colors.BLUE_700,
    "needs_info": ft.Colors.DEEP_ORANGE_700,
    "needs_info_answered": ft.Colors.TEAL_700,  # the thread's reading of needs_info (state/thread.py)
    "verified": ft.Colors.GREEN_800,
    "unverifiable": ft.Colors.BLUE_GREY_700,
    "rejected": ft.Colors.RED_800,
}


def kind_label(app: AppShell, kind: str | None) -> str:
    return app.t(f"kind.{kind}") if kind else app.t("kind.none")


def state_label(app: AppShell, state: str) -> str:
    return app.t(f"state.{state}")


def choice_label(app: AppShell, field: str, value: str) -> str:
    """A vocabulary value's label; compass points, range bands keep their own notation."""
    key = f"choice.{field}.{value}"
    return app.t(key) if app.tr.has(key) else value


def field_label(app: AppShell, name: str) -> str:
    return app.t(f"field.{name}")


def short_time(text: str | None) -> str:
    """A record's ISO time as "YYYY-MM-DD HH:MM", in the offset it was recorded with."""
    if not text:
        return ""
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text
