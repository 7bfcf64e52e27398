"""Enrolment: server address and the one-time code an administrator gave; or "Later"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.state.enrollment import Enrollment
from fieldapp.ui.views.widgets import (
    icon_button,
    message,
    primary_button,
    say,
    screen,
    secondary_button,
    tagged,
)

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell


class EnrollScreen:
    def __init__(self, app: AppShell, *, after_setup: bool) -> None:
        self.app = app
        self.after_setup = after_setup

    def build(self) -> ft.Control:
        t = self.app.t
        self.state = Enrollment(self.app.device)
        current = self.state.current_server()
        self.server = ft.TextField(
            label=t("enroll.server"),
            value=self.state.saved_url(),
            hint_text="https://",
            keyboard_type=ft.KeyboardType.URL,
        )
        self.code = ft.TextField(
            label=t("enroll.code"), capitalization=ft.TextCapitalization.CHARACTERS, on_submit=self._enroll
        )
        self.result = message("enroll-result")
        self.error = message("enroll-error", error=True)
        body: list[ft.Control] = [ft.Text(value=t("enroll.intro"))]
        if current:
            body.append(tagged(ft.Text(value=t("enroll.current", server=current)), "enroll-current"))
        body += [
            tagged(self.server, "enroll-server"),
            tagged(self.code, "enroll-code"),
            self.result,
            self.error,
        ]
        actions = [primary_button(t("enroll.submit"), "enroll-submit", self._enroll, icon=ft.Icons.LINK)]
        leading = None
        if self.after_setup:
            actions.append(secondary_button(t("enroll.later"), "enroll-later", self._later))
        else:
            leading = icon_button(ft.Icons.ARROW_BACK, t("common.back"), "enroll-back", self._later)
        return screen(title=t("enroll.title"), body=body, actions=actions, leading=leading)

    async def _enroll(self, _event: ft.Event[ft.Button] | ft.Event[ft.TextField]) -> None:
        with self.app.guard():
            t = self.app.t
            say(self.error, None)
            say(self.result, t("enroll.working"))
            self.app.page.update()
            outcome = await self.state.enroll(self.server.value or "", self.code.value or "")
            if not outcome.ok:
                say(self.result, None)
                text = t(outcome.message_key or "enroll.failed")
                say(self.error, f"{text} {outcome.detail}" if outcome.detail else text)
                return
            self.app.sync_now()
            self.app.toast(t("enroll.done"))
            self.app.show_home()

    def _later(self, _event: ft.Event[ft.OutlinedButton] | ft.Event[ft.IconButton]) -> None:
        with self.app.guard():
            if self.after_setup:
                self.app.show_home()
            else:
                self.app.show_settings()
