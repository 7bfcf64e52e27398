"""The queue's reports: a table at desktop width, a list of cards at phone width.

Each report's row keeps a handle on its state chip, so a decision made elsewhere redraws that
chip alone (`update_state`); the keyboard's selection (j/k) recolours two rows. An amendment
that answers a needs-info question is drawn as the answer, under its original when the
original is on the page, with the question it answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from ..state import CHAIN_TEXT, label, short_time
from .widgets import state_chip, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp

# When, kind, where, description (the rest of the width), device, chain, state, open.
WIDTHS: tuple[int | None, ...] = (165, 120, 170, None, 100, 75, 105, 70)
HEADERS = ["Observed / received", "Kind", "Where", "Description", "Device", "Chain", "State", ""]
SELECTED = ft.Colors.AMBER_50
ANSWER_BG = ft.Colors.BLUE_50


class QueueRows:
    def __init__(self, app: ConsoleApp, *, on_open: Callable[[str], Awaitable[None]]) -> None:
        self.app = app
        self.on_open = on_open
        self.control = ft.Column(spacing=0)
        self.compact = False
        self.chips: dict[str, ft.Container] = {}  # record id -> the box holding its state chip
        self.boxes: dict[str, ft.Container] = {}  # record id -> its row or card
        self.order: list[str] = []
        self.selected: str | None = None

    # -- drawing -----------------------------------------------------------------------------

    def render(self, items: list[dict[str, Any]], *, compact: bool) -> None:
        self.compact = compact
        self.chips, self.boxes, self.order = {}, {}, []
        present = {item["record_id"] for item in items}
        # Answers whose original is on the page go under it, not at their own place.
        under: dict[str, list[dict[str, Any]]] = {}
        for item in items:
            answers = item.get("answers")
            if answers and answers["record_id"] in present:
                under.setdefault(answers["record_id"], []).append(item)
        threaded = {i["record_id"] for group in under.values() for i in group}
        controls: list[ft.Control] = [] if compact else [_table_row(HEADERS, header=True)]
        for item in items:
            if item["record_id"] in threaded:
                continue
            controls.append(self._report(item, nested=False))
            for answer in under.get(item["record_id"], []):
                controls.append(self._report(answer, nested=True))
        if self.selected not in self.boxes:
            self.selected = None
        self.control.controls = controls
        self.control.spacing = 8 if compact else 0

    def update_state(self, record_id: str, item: dict[str, Any]) -> None:
        holder = self.chips.get(record_id)
        if holder is not None:
            holder.content = state_chip(item.get("state"), identifier=f"queue-state-{record_id}")

    def select(self, step: int) -> str | None:
        """Move the keyboard's selection one report down (+1) or up (-1); returns it."""
        if not self.order:
            return None
        if self.selected is None:
            at = 0 if step > 0 else len(self.order) - 1
        else:
            at = max(0, min(len(self.order) - 1, self.order.index(self.selected) + step))
        self._paint(self.selected, False)
        self.selected = self.order[at]
        self._paint(self.selected, True)
        return self.selected

    def _paint(self, record_id: str | None, selected: bool) -> None:
        box = self.boxes.get(record_id or "")
        if box is not None:
            box.bgcolor = SELECTED if selected else (box.data or ft.Colors.WHITE)

    def _report(self, item: dict[str, Any], *, nested: bool) -> ft.Control:
        record_id = item["record_id"]
        chip = ft.Container(content=state_chip(item.get("state"), identifier=f"queue-state-{record_id}"))
        self.chips[record_id] = chip
        self.order.append(record_id)
        box = self._card(item, chip) if self.compact else self._row(item, chip)
        box.data = ANSWER_BG if item.get("answers") else ft.Colors.WHITE  # its colour when not selected
        box.bgcolor = SELECTED if record_id == self.selected else box.data
        box.on_click = self._opener(record_id)
        self.boxes[record_id] = box
        if nested:
            box.margin = ft.Margin.only(left=28)
        return tagged(box, f"queue-row-{record_id}")

    def _row(self, item: dict[str, Any], chip: ft.Container) -> ft.Container:
        record_id = item["record_id"]
        cells: list[Any] = [
            _two_lines(
                short_time(item.get("observed_at")),
                short_time(item.get("received_at")).removesuffix(" UTC"),  # the header says which
            ),
            label(item.get("kind")),
            _two_lines(item.get("place") or "—", item.get("location_description") or ""),
            self._description(item),
            (item.get("device_label") or item.get("device_id", ""))[:14],
            _chain(item.get("chain_status")),
            chip,
            tagged(
                ft.TextButton(content="Open", on_click=self._opener(record_id), height=48),
                f"open-{record_id}",
            ),
        ]
        return _table_row(cells)

    def _card(self, item: dict[str, Any], chip: ft.Container) -> ft.Container:
        record_id = item["record_id"]
        where = " · ".join(v for v in (item.get("place"), item.get("location_description")) if v) or "—"
        return ft.Container(
            content=ft.Column(
                [
                    ft.Row(
                        [
                            ft.Text(
                                label(item.get("kind")),
                                weight=ft.FontWeight.BOLD,
                                expand=True,
                                no_wrap=True,
                                overflow=ft.TextOverflow.ELLIPSIS,
                            ),
                            chip,
                        ]
                    ),
                    self._description(item),
                    _line(where),
                    _line(f"{short_time(item.get('observed_at'))} · {_chain_text(item.get('chain_status'))}"),
                    ft.Row(
                        [
                            ft.Container(expand=True),
                            tagged(
                                ft.TextButton(content="Open", on_click=self._opener(record_id), height=48),
                                f"open-{record_id}",
                            ),
                        ]
                    ),
                ],
                spacing=4,
                tight=True,
            ),
            padding=ft.Padding.only(left=12, right=8, top=10, bottom=2),
            border=ft.Border.all(1, ft.Colors.BLUE_GREY_100),
            border_radius=8,
        )

    def _description(self, item: dict[str, Any]) -> ft.Control:
        text = ft.Text(
            item.get("description") or "—", size=13, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS
        )
        answers = item.get("answers")
        if not answers:
            return text
        # An icon, not an arrow character: the console's fonts have no glyph for "↳".
        question = ft.Row(
            [
                ft.Icon(ft.Icons.SUBDIRECTORY_ARROW_RIGHT, size=14, color=ft.Colors.BLUE_900),
                ft.Container(
                    expand=True,
                    content=tagged(
                        ft.Text(
                            f"Answer to {answers['asked_by']}'s question: “{answers['question']}”",
                            size=12,
                            color=ft.Colors.BLUE_900,
                            italic=True,
                            max_lines=2,
                            overflow=ft.TextOverflow.ELLIPSIS,
                        ),
                        f"queue-answer-{item['record_id']}",
                    ),
                ),
            ],
            spacing=4,
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
        return ft.Column([question, text], spacing=2, tight=True)

    def _opener(self, record_id: str) -> Callable[[ft.Event], Awaitable[None]]:
        async def handler(_event: ft.Event) -> None:
            await self.on_open(record_id)

        return handler


def _table_row(cells: list[Any], *, header: bool = False) -> ft.Container:
    controls: list[ft.Control] = []
    for cell, width in zip(cells, WIDTHS, strict=True):
        content = (
            ft.Row([cell], tight=True)  # loose width: a chip or a button keeps its own size
            if isinstance(cell, ft.Container | ft.Semantics)
            else cell
            if isinstance(cell, ft.Control)
            else ft.Text(
                str(cell),
                weight=ft.FontWeight.BOLD if header else None,
                size=13,
                no_wrap=True,
                overflow=ft.TextOverflow.ELLIPSIS,
            )
        )
        controls.append(ft.Container(content=content, width=width, expand=width is None))
    return ft.Container(
        content=ft.Row(controls, spacing=6),
        padding=ft.Padding.symmetric(horizontal=8, vertical=4 if not header else 8),
        border=ft.Border.only(bottom=ft.BorderSide(1, ft.Colors.BLUE_GREY_100)),
        bgcolor=ft.Colors.BLUE_GREY_100 if header else ft.Colors.WHITE,
    )


def _two_lines(first: str, second: str) -> ft.Control:
    return ft.Column(
        [_line(first, size=13, colour=None), *([_line(second)] if second else [])], spacing=0, tight=True
    )


def _line(text: str, *, size: int = 12, colour: str | None = ft.Colors.BLUE_GREY_700) -> ft.Text:
    return ft.Text(text, size=size, color=colour, no_wrap=True, overflow=ft.TextOverflow.ELLIPSIS)


def _chain_text(status: str | None) -> str:
    return CHAIN_TEXT.get(status or "", status or "—")


def _chain(status: str | None) -> ft.Control:
    text = _chain_text(status)
    colour = {"valid": ft.Colors.GREEN_800, "invalid": ft.Colors.RED_700, "FORK": ft.Colors.RED_700}.get(
        text, ft.Colors.ORANGE_800
    )
    return ft.Text(text, color=colour, size=13, weight=ft.FontWeight.BOLD if text == "FORK" else None)
