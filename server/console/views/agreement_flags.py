"""The report page's card of agreement flags: the withdrawal line, demilitarised area, storage
sites or area of responsibility this report's position breaks, each with the register entry
and how far past it (server/registers/flags.py computes them; docs/registers.md, "Flags")."""

from __future__ import annotations

from typing import Any

import flet as ft

from ..tracker_state import RULE_TEXT
from .widgets import card, heading


def flag_sentence(flag: dict[str, Any]) -> str:
    """'Beyond a withdrawal line: Sirte–Jufra line (12.3 km past it) — <detail>'."""
    what = RULE_TEXT.get(flag.get("rule", ""), flag.get("rule", "flag"))
    text = f"{what[:1].upper()}{what[1:]}: {flag.get('entry_name') or flag.get('entry_id') or '?'}"
    distance = flag.get("distance_m")
    if isinstance(distance, int | float) and distance > 0:
        text += f" ({distance / 1000:.1f} km past it)" if distance >= 1000 else f" ({distance:.0f} m past it)"
    if flag.get("detail"):
        text += f" — {flag['detail']}"
    return text


def agreement_flags_card(flags: list[dict[str, Any]]) -> list[ft.Control]:
    """[] when the report breaks nothing (no empty card); else one card, a line per flag."""
    if not flags:
        return []
    # The flag is an icon, not the ⚑ character: the console's fonts have no glyph for it.
    lines = [
        ft.Row(
            [
                ft.Icon(ft.Icons.FLAG, color=ft.Colors.RED_900, size=18),
                ft.Semantics(
                    content=ft.Text(flag_sentence(flag), color=ft.Colors.RED_900),
                    identifier=f"report-flag-{flag.get('rule')}",
                    expand=True,
                ),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
        for flag in flags
    ]
    return [card(heading("Against the agreement", size=16), *lines)]
