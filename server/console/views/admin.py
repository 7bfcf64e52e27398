"""Administration: enrolment codes (text + QR), devices (last sync, gaps, revoke), accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from ..errors import InvalidInput
from ..qr import qr_png
from ..state import short_time
from .map_layers import MapLayersSection
from .widgets import card, dropdown, heading, show_error, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp


class AdminView:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.state = app.admin
        self.code_label = ft.TextField(label="Label (who gets it)", width=220, dense=True)
        self.code_hours = ft.TextField(
            label="Valid for hours", value=self.state.code_hours_text, width=130, dense=True
        )
        self.code_result = ft.Column(spacing=8)
        self.map_layers = MapLayersSection(app)  # its own file: views/map_layers.py
        self.devices = ft.Column(spacing=0)
        self.users = ft.Column(spacing=0)
        self.new_username = ft.TextField(label="User name", width=180, dense=True)
        self.new_password = ft.TextField(
            label="Password (8+ characters)", width=220, dense=True, password=True, can_reveal_password=True
        )
        self.new_role = dropdown(
            "Role", [("verifier", "verifier"), ("admin", "admin")], "verifier", width=150
        )
        self.control = ft.Column(
            [
                heading("Administration"),
                ft.Row(
                    [
                        card(
                            ft.Text("Enrol a device", weight=ft.FontWeight.BOLD),
                            ft.Text(
                                "A one-time code for one phone. It is shown once; "
                                "the server keeps only its hash."
                            ),
                            ft.Row(
                                [
                                    tagged(self.code_label, "code-label"),
                                    tagged(self.code_hours, "code-hours"),
                                    tagged(
                                        ft.Button(
                                            content="Create code",
                                            icon=ft.Icons.QR_CODE,
                                            on_click=self.create_code,
                                        ),
                                        "code-create",
                                    ),
                                ],
                                wrap=True,
                            ),
                            self.code_result,
                            expand=1,
                        ),
                        card(
                            ft.Text("Verifier and administrator accounts", weight=ft.FontWeight.BOLD),
                            ft.Row(
                                [
                                    tagged(self.new_username, "user-name"),
                                    tagged(self.new_password, "user-password"),
                                    tagged(self.new_role, "user-role"),
                                    tagged(
                                        ft.Button(
                                            content="Create account",
                                            icon=ft.Icons.PERSON_ADD,
                                            on_click=self.create_user,
                                        ),
                                        "user-create",
                                    ),
                                ],
                                wrap=True,
                            ),
                            self.users,
                            expand=1,
                        ),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                    spacing=16,
                ),
                card(ft.Text("Devices", weight=ft.FontWeight.BOLD), self.devices),
                self.map_layers.control,
            ],
            spacing=16,
            scroll=ft.ScrollMode.AUTO,
            expand=True,
        )

    async def load(self) -> None:
        await self.state.load(self.app.api)
        await self.map_layers.load()
        self.render()

    def render(self) -> None:
        self._render_code()
        self.devices.controls = [
            _row(
                [
                    "Device",
                    "Label",
                    "Enrolled",
                    "Last sync",
                    "Last seq",
                    "Reports",
                    "Chain gaps",
                    "Forks",
                    "Status",
                    "",
                ],
                bold=True,
            ),
            *(self._device(d) for d in self.state.devices),
        ]
        if not self.state.devices:
            self.devices.controls.append(ft.Text("No device enrolled yet."))
        me = self.app.api.user.username if self.app.api.user else ""
        self.users.controls = [
            _row(["User", "Role", "Created", "Status", ""], bold=True, widths=USER_WIDTHS),
            *(self._user(u, me) for u in self.state.users),
        ]

    def _render_code(self) -> None:
        issued = self.state.issued
        if issued is None:
            self.code_result.controls = []
            return
        self.code_result.controls = [
            ft.Row(
                [
                    tagged(ft.Image(src=qr_png(issued.enroll_uri), width=180, height=180), "code-qr"),
                    ft.Column(
                        [
                            ft.Text("Code", color=ft.Colors.BLUE_GREY_700),
                            tagged(
                                ft.Text(issued.code, size=22, weight=ft.FontWeight.BOLD),
                                "code-text",
                            ),
                            ft.Text(f"Expires {short_time(issued.expires_at)}"),
                            ft.Text(f"Label: {issued.label or '—'}"),
                            ft.Text(
                                "Scan with the phone, or on a laptop:\n"
                                f"fieldapp enroll --server {self.app.server_url()} --code {issued.code}",
                                size=12,
                            ),
                        ],
                        spacing=4,
                        expand=True,
                    ),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
            )
        ]

    def _device(self, d: dict[str, Any]) -> ft.Control:
        device_id = d["device_id"]
        revoked = d.get("revoked_at")
        action: ft.Control = (
            ft.Text("")
            if revoked
            else tagged(
                ft.TextButton(content="Revoke", icon=ft.Icons.BLOCK, on_click=self._confirm_revoke(d)),
                f"revoke-{device_id}",
            )
        )
        gaps, forks = int(d.get("gaps") or 0), int(d.get("forks") or 0)
        return tagged(
            _row(
                [
                    device_id[:16] + "…",
                    d.get("label") or "—",
                    short_time(d.get("enrolled_at")),
                    short_time(d.get("last_seen_at")),
                    str(d.get("last_seq", 0)),
                    str(d.get("reports", 0)),
                    ft.Text(
                        str(gaps),
                        color=ft.Colors.RED_700 if gaps else None,
                        weight=ft.FontWeight.BOLD if gaps else None,
                    ),
                    tagged(
                        ft.Text(
                            str(forks),
                            color=ft.Colors.RED_700 if forks else None,
                            weight=ft.FontWeight.BOLD if forks else None,
                            tooltip="reports in a fork of this device's chain" if forks else None,
                        ),
                        f"device-forks-{device_id}",
                    ),
                    tagged(
                        ft.Text(
                            f"revoked {short_time(revoked)}" if revoked else "active",
                            color=ft.Colors.RED_700 if revoked else ft.Colors.GREEN_800,
                        ),
                        f"device-status-{device_id}",
                    ),
                    action,
                ]
            ),
            f"device-{device_id}",
        )

    def _user(self, u: dict[str, Any], me: str) -> ft.Control:
        username = u["username"]
        disabled = bool(u.get("disabled"))
        locked_until = u.get("locked_until")
        failures = int(u.get("failed_logins") or 0)
        action: ft.Control
        if username == me:
            action = ft.Text("(you)")
        elif locked_until:  # lifting the lock comes first; Disable is there again afterwards
            action = tagged(
                ft.TextButton(content="Unlock", on_click=self._unlock_user(username)),
                f"user-unlock-{username}",
            )
        else:
            action = tagged(
                ft.TextButton(
                    content="Enable" if disabled else "Disable",
                    on_click=self._toggle_user(username, not disabled),
                ),
                f"user-toggle-{username}",
            )
        if locked_until:
            status, colour = f"locked until {short_time(locked_until)}", ft.Colors.RED_700
        else:
            status, colour = ("disabled", ft.Colors.RED_700) if disabled else ("active", ft.Colors.GREEN_800)
        return tagged(
            _row(
                [
                    username,
                    u.get("role", ""),
                    (u.get("created_at") or "")[:10],
                    tagged(
                        ft.Text(
                            status,
                            color=colour,
                            size=13,
                            tooltip=f"{failures} failed sign-ins in a row" if failures else None,
                        ),
                        f"user-status-{username}",
                    ),
                    action,
                ],
                widths=USER_WIDTHS,
            ),
            f"user-{username}",
        )

    # -- actions --------------------------------------------------------------------------

    async def create_code(self, _event: ft.Event | None = None) -> None:
        async def run() -> None:
            self.code_hours.error = None
            try:
                await self.state.issue_code(
                    self.app.api,
                    label_text=self.code_label.value or "",
                    hours=self.code_hours.value or "",
                    server_url=self.app.server_url(),
                )
            except InvalidInput as exc:
                self.code_hours.error = str(exc)
                return
            self.code_label.value = ""
            self._render_code()

        await self.app.guard(run)

    def _confirm_revoke(self, device: dict[str, Any]):
        device_id = device["device_id"]

        async def revoke(_event: ft.Event) -> None:
            self.app.page.pop_dialog()

            async def run() -> None:
                await self.state.revoke(self.app.api, device_id)
                self.render()
                self.app.flash(f"Device {device_id[:16]}… revoked: its next sync is refused.")

            await self.app.guard(run)

        async def cancel(_event: ft.Event) -> None:
            self.app.page.pop_dialog()

        async def ask(_event: ft.Event) -> None:
            self.app.page.show_dialog(
                ft.AlertDialog(
                    modal=True,
                    title=ft.Text("Revoke this device?"),
                    content=ft.Text(
                        f"{device.get('label') or device_id}: the server will refuse its submissions and "
                        "updates from now on. Reports it already sent stay. This cannot be undone; "
                        "a recovered phone must be enrolled again with a new code."
                    ),
                    actions=[
                        tagged(ft.TextButton(content="Cancel", on_click=cancel), "revoke-cancel"),
                        tagged(
                            ft.Button(
                                content="Revoke",
                                on_click=revoke,
                                bgcolor=ft.Colors.RED_700,
                                color=ft.Colors.WHITE,
                            ),
                            "revoke-confirm",
                        ),
                    ],
                )
            )

        return ask

    def _toggle_user(self, username: str, disabled: bool):
        async def handler(_event: ft.Event) -> None:
            async def run() -> None:
                await self.state.set_disabled(self.app.api, username, disabled)
                self.render()
                self.app.flash(f"Account {username} {'disabled' if disabled else 'enabled'}.")

            await self.app.guard(run)

        return handler

    def _unlock_user(self, username: str):
        async def handler(_event: ft.Event) -> None:
            async def run() -> None:
                await self.state.unlock(self.app.api, username)
                self.render()
                self.app.flash(f"Account {username} unlocked: it may sign in again.")

            await self.app.guard(run)

        return handler

    async def create_user(self, _event: ft.Event | None = None) -> None:
        fields: dict[str, ft.TextField | ft.Dropdown] = {
            "username": self.new_username,
            "password": self.new_password,
            "role": self.new_role,
        }

        async def run() -> None:
            for field in fields.values():
                show_error(field, None)
            try:
                await self.state.add_user(
                    self.app.api,
                    username=self.new_username.value or "",
                    password=self.new_password.value or "",
                    role=self.new_role.value or "",
                )
            except InvalidInput as exc:
                show_error(fields[exc.field], str(exc))
                return
            created = self.new_username.value
            self.new_username.value = self.new_password.value = ""
            self.render()
            self.app.flash(f"Account {created} created.")

        await self.app.guard(run)


DEVICE_WIDTHS = (130, 100, 140, 140, 55, 55, 70, 45, 80, 100)
USER_WIDTHS = (90, 60, 80, 140, 90)


def _row(cells: list[Any], *, bold: bool = False, widths: tuple[int, ...] = DEVICE_WIDTHS) -> ft.Control:
    controls: list[ft.Control] = []
    for cell, width in zip(cells, widths, strict=True):
        content = (
            cell
            if isinstance(cell, ft.Control)
            else ft.Text(
                str(cell),
                size=13,
                weight=ft.FontWeight.BOLD if bold else None,
                no_wrap=True,
                overflow=ft.TextOverflow.ELLIPSIS,
            )
        )
        controls.append(ft.Container(content=content, width=width))
    return ft.Container(
        content=ft.Row(controls, spacing=6),
        padding=ft.Padding.symmetric(horizontal=6, vertical=6 if bold else 2),
        border=ft.Border.only(bottom=ft.BorderSide(1, ft.Colors.BLUE_GREY_100)),
        bgcolor=ft.Colors.BLUE_GREY_50 if bold else None,
    )
