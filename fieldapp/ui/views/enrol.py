"""Enrolment: server address and the one-time code an administrator gave; or "Later"."""

import asyncio
from typing import Any

import flet as ft

from fieldapp.ui.state.enrolment import enrol, enrolled_server
from fieldapp.ui.views.widgets import (
    icon_button,
    message,
    primary_button,
    say,
    screen,
    secondary_button,
    tagged,
)


class EnrolScreen:
    def __init__(self, app: Any, *, after_setup: bool) -> None:
        self.app = app
        self.after_setup = after_setup

    def build(self) -> ft.Control:
        t = self.app.t
        device = self.app.session.device
        current = enrolled_server(device)
        settings = device.settings()
        self.server = ft.TextField(
            label=t("enrol.server"),
            value=settings.server_url or "",
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

    async def _enrol(self, _event) -> None:
        self.app.touch()
        t = self.app.t
        say(self.error, None)
        say(self.result, t("enrol.working"))
        self.app.page.update()
        device = self.app.session.device
        outcome = await asyncio.to_thread(enrol, device, self.server.value or "", self.code.value or "")
        if not outcome.ok:
            say(self.result, None)
            text = t(outcome.message_key)
            say(self.error, f"{text} {outcome.detail}" if outcome.detail else text)
            return
        if self.app.sync is not None:
            self.app.sync.sync_now()
        self.app.toast(t("enrol.done"))
        self.app.show_home()

    def _later(self, _event) -> None:
        self.app.touch()
        if self.after_setup:
            self.app.show_home()
        else:
            self.app.show_settings()
