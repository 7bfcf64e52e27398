"""Enrolment: server address and the one-time code an administrator gave; or "Later"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.state.enrolment import Enrolment
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


class EnrolScreen:
    def __init__(self, app: AppShell, *, after_setup: bool) -> None:
        self.app = app
        self.after_setup = after_setup

    def build(self) -> ft.Control:
        t = self.app.t
        self.state = Enrolment(self.app.device)
        current = self.state.current_server()
        self.server = ft.TextField(
            label=t("enrol.server"),
            value=self.state.saved_url(),
            hint_text="https://",
            keyboard_type=ft.KeyboardType.URL,
        )
        self.code = ft.TextField(
            label=t("enrol.code"), capitalization=ft.TextCapitalization.CHARACTERS, on_submit=self._enrol
        )
        self.result = message("enrol-result")
        self.error = message("enrol-error", error=True)
        body: list[ft.Control] = [ft.Text(value=t("enrol.intro"))]
        if current:
            body.append(tagged(ft.Text(value=t("enrol.current", server=current)), "enrol-current"))
        body += [
            tagged(self.server, "enrol-server"),
            tagged(self.code, "enrol-code"),
            self.result,
            self.error,
        ]
        actions = [primary_button(t("enrol.submit"), "enrol-submit", self._enrol, icon=ft.Icons.LINK)]
        leading = None
        if self.after_setup:
            actions.append(secondary_button(t("enrol.later"), "enrol-later", self._later))
        else:
            leading = icon_button(ft.Icons.ARROW_BACK, t("common.back"), "enrol-back", self._later)
        return screen(title=t("enrol.title"), body=body, actions=actions, leading=leading)

    async def _enrol(self, _event: ft.Event[ft.Button] | ft.Event[ft.TextField]) -> None:
        with self.app.guard():
            t = self.app.t
            say(self.error, None)
            say(self.result, t("enrol.working"))
            self.app.page.update()
            outcome = await self.state.enrol(self.server.value or "", self.code.value or "")
            if not outcome.ok:
                say(self.result, None)
                text = t(outcome.message_key or "enrol.failed")
                say(self.error, f"{text} {outcome.detail}" if outcome.detail else text)
                return
            self.app.sync_now()
            self.app.toast(t("enrol.done"))
            self.app.show_home()

    def _later(self, _event: ft.Event[ft.OutlinedButton] | ft.Event[ft.IconButton]) -> None:
        with self.app.guard():
            if self.after_setup:
                self.app.show_home()
            else:
                self.app.show_settings()
