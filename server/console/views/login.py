"""Sign-in screen for verifiers and administrators."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import flet as ft

from ..errors import ApiError, ConsoleError
from .widgets import heading, tagged

log = logging.getLogger("fieldapp.console")

if TYPE_CHECKING:
    from ..app import ConsoleApp


class LoginView:
    def __init__(self, app: ConsoleApp, note: str | None = None) -> None:
        self.app = app
        self.username = ft.TextField(label="User name", width=320, autofocus=True, on_submit=self.submit)
        self.password = ft.TextField(
            label="Password", width=320, password=True, can_reveal_password=True, on_submit=self.submit
        )
        self.error = ft.Text(note or "", color=ft.Colors.RED_700)
        self.button = ft.Button(content="Sign in", on_click=self.submit, width=320)
        self.control = ft.Container(
            alignment=ft.Alignment.CENTER,
            expand=True,
            content=ft.Container(
                width=380,
                padding=30,
                border=ft.Border.all(1, ft.Colors.BLUE_GREY_100),
                border_radius=10,
                bgcolor=ft.Colors.WHITE,
                content=ft.Column(
                    [
                        heading("FieldApp verifier console", size=22),
                        ft.Text("Sign in with the account an administrator gave you."),
                        tagged(self.username, "login-username"),
                        tagged(self.password, "login-password"),
                        tagged(self.button, "login-submit"),
                        tagged(self.error, "login-error"),
                    ],
                    spacing=14,
                    tight=True,
                ),
            ),
        )

    async def submit(self, _event: ft.Event | None = None) -> None:
        username, password = (self.username.value or "").strip(), self.password.value or ""
        if not username or not password:
            self.error.value = "Enter your user name and password."
            return
        self.button.disabled = True
        self.error.value = ""
        self.app.page.update()
        try:
            await self.app.api.login(username, password)
        except ApiError as exc:
            self.error.value = (
                "Wrong user name or password, or the account is disabled."
                if exc.status_code in (401, 403)
                else str(exc)
            )
        except ConsoleError as exc:
            self.error.value = str(exc)
        except Exception:
            log.exception("sign-in failed")
            self.error.value = (
                "Sign-in failed because of a problem in the console; the server log has the details."
            )
        else:
            self.password.value = ""
            await self.app.signed_in()
            return
        finally:
            # An explicit update() during a handler turns off Flet's update after it: send this one.
            self.button.disabled = False
            self.app.page.update()
