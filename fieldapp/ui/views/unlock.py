"""Unlock: the passphrase opens the vault; wrong tries are counted (and may wipe, if set)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.views.common import language_switch
from fieldapp.ui.views.widgets import message, primary_button, say, screen, tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell


class UnlockScreen:
    def __init__(self, app: AppShell, *, notice_key: str | None = None) -> None:
        self.app = app
        self.notice_key = notice_key

    def build(self) -> ft.Control:
        t = self.app.t
        self.passphrase = ft.TextField(
            label=t("unlock.passphrase"),
            password=True,
            can_reveal_password=True,
            on_submit=self._unlock,
            autofocus=True,
        )
        self.error = message("unlock-error", error=True)
        self.notice = message("unlock-notice", t(self.notice_key) if self.notice_key else None)
        failed = self.app.session.failed_unlocks()
        self.failed = message(
            "unlock-failed-count", t("unlock.failed_count", count=failed) if failed else None
        )
        body = [
            ft.Icon(icon=ft.Icons.LOCK_OUTLINE, size=56, color=ft.Colors.PRIMARY),
            self.notice,
            ft.Text(value=t("unlock.intro")),
            tagged(self.passphrase, "unlock-passphrase"),
            self.error,
            self.failed,
        ]
        return screen(
            title=t("unlock.title"),
            body=body,
            trailing=[language_switch(self.app)],
            actions=[
                primary_button(t("unlock.submit"), "unlock-submit", self._unlock, icon=ft.Icons.LOCK_OPEN)
            ],
        )

    def _unlock(self, _event: ft.Event[ft.Button] | ft.Event[ft.TextField]) -> None:
        with self.app.guard():
            result = self.app.session.unlock(self.passphrase.value or "")
            if result.ok:
                self.app.unlocked()
                return
            if result.wiped:
                self.app.wiped()
                self.app.toast(self.app.t("unlock.wiped"))
                return
            t = self.app.t
            say(self.error, t(result.message_key or "unlock.wrong", remaining=result.remaining))
            say(self.notice, None)
            failed = self.app.session.failed_unlocks()
            say(self.failed, t("unlock.failed_count", count=failed) if failed else None)
            self.passphrase.value = ""
