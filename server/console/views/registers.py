"""Registers (administrators): pick a register, see its entries, import a pasted CSV or GeoJSON
file (add and edit by id, all or nothing), rename an entry, retire or restore one. Renders
only: `RegisterAdminState` acts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from ..register_state import REGISTERS, RegisterAdminState
from .widgets import card, dropdown, heading, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp


class RegistersView:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.state: RegisterAdminState = app.registers
        self.register = dropdown("Register", [(r, r) for r in REGISTERS], self.state.register, width=220)
        self.register.on_select = self._choose
        self.fmt = dropdown("Format", [("csv", "CSV"), ("geojson", "GeoJSON")], "csv", width=150)
        self.content = ft.TextField(
            label="Paste the file (CSV with a header row, or a GeoJSON FeatureCollection)",
            multiline=True,
            min_lines=4,
            max_lines=10,
        )
        self.edit_id = ft.TextField(label="Entry id", width=200, dense=True)
        self.name_en = ft.TextField(label="Name (English)", width=260, dense=True)
        self.name_ar = ft.TextField(label="Name (Arabic)", width=260, dense=True, rtl=True)
        self.notice = ft.Text("", color=ft.Colors.GREEN_800)
        self.rows = ft.Column(spacing=2)
        self.control = ft.Column(
            [
                heading("Registers"),
                ft.Text(
                    "Entries are retired, never deleted: reports keep the id and the name they showed.",
                    color=ft.Colors.BLUE_GREY_700,
                ),
                tagged(self.register, "registers-register"),
                tagged(self.notice, "registers-notice"),
                card(
                    ft.Text("Import (adds and edits by id)", weight=ft.FontWeight.BOLD),
                    tagged(self.fmt, "registers-format"),
                    tagged(self.content, "registers-content"),
                    ft.Row(
                        [
                            tagged(
                                ft.Button(content="Import", icon=ft.Icons.UPLOAD, on_click=self._import),
                                "registers-import",
                            )
                        ]
                    ),
                ),
                card(
                    ft.Text("Rename an entry", weight=ft.FontWeight.BOLD),
                    ft.Row(
                        [
                            tagged(self.edit_id, "registers-edit-id"),
                            tagged(self.name_en, "registers-edit-en"),
                            tagged(self.name_ar, "registers-edit-ar"),
                            tagged(
                                ft.Button(content="Save", icon=ft.Icons.SAVE, on_click=self._rename),
                                "registers-edit-save",
                            ),
                        ],
                        wrap=True,
                    ),
                ),
                card(ft.Text("Entries", weight=ft.FontWeight.BOLD), self.rows),
            ],
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            expand=True,
        )

    async def load(self) -> None:
        await self.state.load(self.app.api)
        self.render()

    def render(self) -> None:
        self.notice.value = self.state.notice
        self.rows.controls = [self._row(entry) for entry in self.state.entries] or [
            ft.Text(f"No entries in {self.state.register} yet: import a file.")
        ]

    def _row(self, entry: dict[str, Any]) -> ft.Control:
        retired = bool(entry.get("retired"))
        action = "Restore" if retired else "Retire"
        button = ft.TextButton(content=action, on_click=self._retirer(entry["id"], not retired))
        status = "retired" if retired else f"version {entry['version']}"
        return tagged(
            ft.Row(
                [
                    ft.Text(entry["id"], width=180, weight=ft.FontWeight.W_500),
                    ft.Text(entry["name_en"], width=260),
                    ft.Text(entry.get("name_ar") or "", width=220, rtl=True),
                    ft.Text(
                        status, width=90, color=ft.Colors.RED_700 if retired else ft.Colors.BLUE_GREY_700
                    ),
                    tagged(button, f"registers-retire-{entry['id']}"),
                    tagged(
                        ft.TextButton(content="Rename", on_click=self._picker(entry)),
                        f"registers-rename-{entry['id']}",
                    ),
                ]
            ),
            f"registers-row-{entry['id']}",
        )

    async def _choose(self, _event: ft.Event) -> None:
        self.state.choose(self.register.value)
        await self.app.guard(self.load)

    async def _import(self, _event: ft.Event) -> None:
        async def action() -> None:
            await self.state.import_text(self.app.api, self.fmt.value or "csv", self.content.value or "")
            self.content.value = ""
            self.render()

        await self.app.guard(action)

    async def _rename(self, _event: ft.Event) -> None:
        async def action() -> None:
            await self.state.rename(
                self.app.api, self.edit_id.value or "", self.name_en.value or "", self.name_ar.value or ""
            )
            self.render()

        await self.app.guard(action)

    def _retirer(self, entry_id: str, retired: bool) -> Any:
        async def handler(_event: ft.Event) -> None:
            async def action() -> None:
                await self.state.set_retired(self.app.api, entry_id, retired)
                self.render()

            await self.app.guard(action)

        return handler

    def _picker(self, entry: dict[str, Any]) -> Any:
        def handler(_event: ft.Event) -> None:
            self.edit_id.value, self.name_en.value, self.name_ar.value = (
                entry["id"],
                entry["name_en"],
                entry.get("name_ar") or "",
            )

        return handler
