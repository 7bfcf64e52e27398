"""First run: choose the passphrase (with a strength hint and the policy's reasons)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldapp.services.passphrase_policy import check_passphrase
from fieldapp.ui.views.common import language_switch
from fieldapp.ui.views.widgets import message, primary_button, say, screen, tagged

STRENGTH_COLOURS = {
    "strength.weak": ft.Colors.RED_700,
    "strength.fair": ft.Colors.AMBER_800,
    "strength.strong": ft.Colors.GREEN_700,
}

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell


class SetupScreen:
    def __init__(self, app: AppShell) -> None:
        self.app = app

    def build(self) -> ft.Control:
        t = self.app.t
        self.passphrase = ft.TextField(
            label=t("setup.passphrase"),
            password=True,
            can_reveal_password=True,
            on_change=self._changed,
            autofocus=True,
        )
        self.confirm = ft.TextField(
            label=t("setup.confirm"), password=True, can_reveal_password=True, on_submit=self._create
        )
        self.meter = ft.ProgressBar(
            value=0, color=ft.Colors.RED_700, bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST
        )
        self.hint = ft.Text(value=t("setup.policy"), size=13, color=ft.Colors.ON_SURFACE_VARIANT)
        self.error = message("setup-error", error=True)
        body = [
            ft.Text(value=t("setup.intro")),
            tagged(self.passphrase, "setup-passphrase"),
            self.meter,
            tagged(self.hint, "setup-strength"),
            tagged(self.confirm, "setup-confirm"),
            self.error,
        ]
        return screen(
            title=t("setup.title"),
            body=body,
            trailing=[language_switch(self.app)],
            actions=[primary_button(t("setup.create"), "setup-create", self._create, icon=ft.Icons.LOCK)],
        )

    def _changed(self, _event: ft.Event[ft.TextField]) -> None:
        with self.app.guard():
            verdict = check_passphrase(self.passphrase.value or "")
            t = self.app.t
            self.meter.value = verdict.score
            self.meter.color = STRENGTH_COLOURS[verdict.strength]
            strength = t(verdict.strength)
            self.hint.value = f"{strength} — {t(verdict.reason)}" if verdict.reason else strength
            say(self.error, None)

    def _create(self, _event: ft.Event[ft.Button] | ft.Event[ft.TextField]) -> None:
        with self.app.guard():
            reason = self.app.session.create(self.passphrase.value or "", self.confirm.value or "")
            if reason:
                say(self.error, self.app.t(reason))
                return
            self.app.unlocked(first_run=True)
