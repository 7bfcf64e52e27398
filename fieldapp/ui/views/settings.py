"""Settings: server and enrolment, auto-lock, language, passphrase, panic wipe, export, about."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldapp import __version__
from fieldapp.ui.i18n import LANGUAGES
from fieldapp.ui.state.settings import (
    AUTO_LOCK_CHOICES,
    GPS_LIMIT_CHOICES,
    WIPE_AFTER_CHOICES,
    DeviceSettings,
)
from fieldapp.ui.theme import ARABIC_FONT, TOUCH
from fieldapp.ui.views.common import confirm
from fieldapp.ui.views.widgets import (
    icon_button,
    message,
    primary_button,
    say,
    screen,
    secondary_button,
    section_title,
    tagged,
)

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell


class SettingsScreen:
    def __init__(self, app: AppShell) -> None:
        self.app = app

    def build(self) -> ft.Control:
        t = self.app.t
        self.state = DeviceSettings(self.app.device, self.app.data_dir, clock=self.app.clock)
        settings = self.state.current()
        body: list[ft.Control] = []

        # server and enrolment
        server = self.state.server()
        body += [
            section_title(t("settings.server")),
            tagged(
                ft.Text(
                    value=t("settings.enrolled_with", server=server) if server else t("settings.not_enrolled")
                ),
                "settings-server-status",
            ),
            secondary_button(
                t("settings.enroll") if not server else t("settings.enroll_again"),
                "settings-enroll",
                self._enroll,
                icon=ft.Icons.LINK,
            ),
        ]

        # language
        language_buttons: list[ft.Control] = []
        for code, (name, _rtl) in LANGUAGES.items():
            selected = code == self.app.tr.language
            style = ft.TextStyle(font_family=ARABIC_FONT) if code == "ar" else None
            button_type = ft.FilledButton if selected else ft.OutlinedButton
            button = button_type(
                content=ft.Text(value=name, style=style),
                height=TOUCH,
                expand=True,
                on_click=lambda _e, code=code: self._language(code),
            )
            language_buttons.append(
                ft.Container(content=tagged(ft.Row(controls=[button]), f"lang-{code}"), expand=True)
            )
        body += [section_title(t("settings.language")), ft.Row(controls=language_buttons, spacing=8)]

        # auto-lock and wipe-after-failures
        self.auto_lock = ft.Dropdown(
            label=t("settings.auto_lock"),
            value=str(settings.auto_lock_minutes),
            options=[
                ft.DropdownOption(key=str(m), text=t("settings.minutes", n=m) if m else t("settings.never"))
                for m in AUTO_LOCK_CHOICES
            ],
            on_select=self._auto_lock,
            expand=True,
            enable_search=False,
        )
        self.wipe_after = ft.Dropdown(
            label=t("settings.wipe_after"),
            value=str(settings.wipe_after_failures or 0),
            options=[
                ft.DropdownOption(
                    key=str(n or 0), text=t("settings.tries", n=n) if n else t("settings.never")
                )
                for n in WIPE_AFTER_CHOICES
            ],
            on_select=self._wipe_after,
            expand=True,
            enable_search=False,
        )
        body += [
            section_title(t("settings.security")),
            tagged(ft.Row(controls=[self.auto_lock]), "settings-auto-lock"),
            tagged(ft.Row(controls=[self.wipe_after]), "settings-wipe-after"),
        ]
        limits = sorted({*GPS_LIMIT_CHOICES, settings.gps_max_accuracy_m})
        self.gps_limit = ft.Dropdown(
            label=t("settings.gps_limit"),
            value=str(settings.gps_max_accuracy_m),
            options=[ft.DropdownOption(key=str(m), text=t("settings.metres", n=m)) for m in limits],
            on_select=self._gps_limit,
            expand=True,
            enable_search=False,
        )
        body += [
            section_title(t("form.location")),
            tagged(ft.Row(controls=[self.gps_limit]), "settings-gps-limit"),
            ft.Text(value=t("settings.gps_limit_help"), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
        ]

        # change passphrase
        self.old = ft.TextField(
            label=t("settings.current_passphrase"), password=True, can_reveal_password=True
        )
        self.new = ft.TextField(label=t("settings.new_passphrase"), password=True, can_reveal_password=True)
        self.again = ft.TextField(label=t("setup.confirm"), password=True, can_reveal_password=True)
        self.passphrase_result = message("settings-passphrase-result")
        body += [
            section_title(t("settings.change_passphrase")),
            tagged(self.old, "settings-old-passphrase"),
            tagged(self.new, "settings-new-passphrase"),
            tagged(self.again, "settings-confirm-passphrase"),
            self.passphrase_result,
            secondary_button(
                t("settings.change_passphrase"),
                "settings-change-passphrase",
                self._change_passphrase,
                icon=ft.Icons.PASSWORD,
            ),
        ]

        # export offline bundle
        self.export_result = message("settings-export-result")
        body += [
            section_title(t("settings.export")),
            ft.Text(value=t("settings.export_help"), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
            secondary_button(t("settings.export"), "settings-export", self._export, icon=ft.Icons.DOWNLOAD),
            self.export_result,
        ]

        # about
        info = self.state.about()
        body += [
            section_title(t("settings.about")),
            tagged(
                ft.Text(value=t("settings.version", version=__version__), selectable=True), "about-version"
            ),
            tagged(
                ft.Text(value=t("settings.device_id", id=info.device_id), selectable=True), "about-device-id"
            ),
            tagged(
                ft.Text(
                    value=t("settings.fingerprint", fingerprint=info.fingerprint), selectable=True, size=13
                ),
                "about-fingerprint",
            ),
        ]

        # panic wipe, last and apart
        body += [
            section_title(t("settings.danger")),
            ft.Text(value=t("settings.wipe_help"), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
            primary_button(
                t("settings.wipe"), "settings-wipe", self._wipe, icon=ft.Icons.DELETE_FOREVER, danger=True
            ),
            ft.Container(height=8),
        ]
        back = icon_button(ft.Icons.ARROW_BACK, t("common.back"), "settings-back", self._back)
        return screen(title=t("settings.title"), leading=back, body=body)

    # -- actions -------------------------------------------------------------------------

    def _back(self, _event: ft.Event[ft.IconButton]) -> None:
        with self.app.guard():
            self.app.show_home()

    def _enroll(self, _event: ft.Event[ft.OutlinedButton]) -> None:
        with self.app.guard():
            self.app.show_enroll(after_setup=False)

    def _language(self, code: str) -> None:
        with self.app.guard():
            self.app.set_language(code)

    def _auto_lock(self, event: ft.Event[ft.Dropdown]) -> None:
        with self.app.guard():
            self.app.set_auto_lock(int(event.control.value or 0))

    def _wipe_after(self, event: ft.Event[ft.Dropdown]) -> None:
        with self.app.guard():
            self.state.set_wipe_after(int(event.control.value or 0))

    def _gps_limit(self, event: ft.Event[ft.Dropdown]) -> None:
        with self.app.guard():
            self.state.set_gps_limit(int(event.control.value or 50))

    def _change_passphrase(self, _event: ft.Event[ft.OutlinedButton]) -> None:
        with self.app.guard():
            t = self.app.t
            reason = self.app.session.change_passphrase(
                self.old.value or "", self.new.value or "", self.again.value or ""
            )
            colour = ft.Colors.RED_800 if reason else ft.Colors.GREEN_800
            say(
                self.passphrase_result,
                t(reason) if reason else t("settings.passphrase_changed"),
                colour=colour,
            )
            if not reason:
                self.old.value = self.new.value = self.again.value = ""

    def _export(self, _event: ft.Event[ft.OutlinedButton]) -> None:
        with self.app.guard():
            t = self.app.t
            outcome = self.state.export()
            if outcome.ok:
                say(self.export_result, t("settings.exported", count=outcome.count, path=str(outcome.path)))
            else:
                say(self.export_result, f"{t('settings.export_failed')} {outcome.detail or ''}".strip())

    def _wipe(self, _event: ft.Event[ft.Button]) -> None:
        with self.app.guard():
            t = self.app.t

            def wipe() -> None:
                self.app.session.wipe()
                self.app.wiped()
                self.app.toast(t("settings.wiped"))

            confirm(
                self.app,
                title=t("settings.wipe_title"),
                text=t("settings.wipe_text"),
                confirm_label=t("settings.wipe"),
                on_confirm=wipe,
                identifier="wipe-confirm",
                typed_word=t("settings.wipe_word"),
                danger=True,
            )
