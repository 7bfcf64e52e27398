"""The GPS part of the location section: the button, the wait (seconds, Cancel), what went
wrong with the manual ways out, a fix worse than the limit offered, and the fix on the form
with its accuracy, age and the phone's mock-location flag. The reading is `GpsReader`'s,
the choices the form state's (`use_fix`, `accept_weak_fix`, `refuse_weak_fix`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.widgets import tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.observation_form import ObservationForm

WARNING = ft.Colors.ORANGE_900


def age_text(t: Callable[..., str], seconds: float) -> str:
    if seconds < 60:
        return t("gps.age_seconds", n=int(seconds))
    return t("gps.age_minutes", n=int(seconds // 60))


class GpsPart:
    """Kept by the location section across redraws (the wait and the last problem live here)."""

    def __init__(self, app: AppShell, form: ObservationForm, redraw: Callable[[], None]) -> None:
        self.app = app
        self.form = form
        self.redraw = redraw
        self.waiting = False
        self.problem_key: str | None = None
        self.wait_line = ft.Text(value="")

    def build(self) -> list[ft.Control]:
        t = self.app.t
        parts: list[ft.Control] = []
        if self.waiting:
            self.wait_line = ft.Text(value=t("form.gps_waiting"))
            cancel = ft.OutlinedButton(content=t("common.cancel"), on_click=self._cancel, height=TOUCH)
            parts.append(
                tagged(
                    ft.Row(
                        controls=[
                            ft.ProgressRing(width=20, height=20),
                            ft.Container(content=tagged(self.wait_line, "gps-wait-text"), expand=True),
                            tagged(cancel, "gps-cancel"),
                        ],
                        vertical_alignment=ft.CrossAxisAlignment.CENTER,
                    ),
                    "gps-waiting",
                )
            )
        else:
            button = ft.FilledTonalButton(
                content=t("form.gps_fix"), icon=ft.Icons.MY_LOCATION, on_click=self._read, height=TOUCH
            )
            parts.append(tagged(button, "gps-fix"))
        if self.problem_key:
            parts += self._problem(self.problem_key)
        if self.form.weak_fix is not None:
            parts.append(self._weak_offer())
        parts += self._fix_facts()
        return parts

    def _problem(self, key: str) -> list[ft.Control]:
        t = self.app.t
        line = tagged(ft.Text(value=t(key), color=ft.Colors.RED_800), "gps-status")
        if key == "gps.cancelled":
            return [line]
        ways = ft.Row(
            controls=[
                tagged(
                    ft.TextButton(
                        content=t("gps.type_instead"),
                        on_click=lambda _e: self._switch("manual"),
                        height=TOUCH,
                    ),
                    "gps-type-instead",
                ),
                tagged(
                    ft.TextButton(
                        content=t("gps.place_instead"),
                        on_click=lambda _e: self._switch("place"),
                        height=TOUCH,
                    ),
                    "gps-place-instead",
                ),
            ],
            wrap=True,
            spacing=4,
        )
        return [line, ways]

    def _weak_offer(self) -> ft.Control:
        t = self.app.t
        fix = self.form.weak_fix
        assert fix is not None
        limit = self.app.device.settings().gps_max_accuracy_m
        text = t("gps.weak", accuracy=f"{fix.accuracy_m:.0f}", limit=limit)
        buttons = ft.Row(
            controls=[
                tagged(
                    ft.OutlinedButton(content=t("gps.use_anyway"), on_click=self._accept, height=TOUCH),
                    "gps-use-anyway",
                ),
                tagged(
                    ft.TextButton(content=t("gps.refuse"), on_click=self._refuse, height=TOUCH), "gps-refuse"
                ),
            ],
            wrap=True,
            spacing=8,
        )
        return tagged(
            ft.Container(
                content=ft.Column(
                    controls=[tagged(ft.Text(value=text, color=WARNING), "gps-weak-text"), buttons], spacing=4
                ),
                padding=8,
                border=ft.Border.all(1, WARNING),
                border_radius=8,
            ),
            "gps-weak",
        )

    def _fix_facts(self) -> list[ft.Control]:
        """The fix on the form: "± 8 m · taken 12 s ago", and the mock flag if the phone raised it."""
        form, t = self.form, self.app.t
        if form.location_source != "gps" or not form.lat:
            return []
        bits = [t("gps.accuracy", accuracy=form.accuracy_m) if form.accuracy_m else t("gps.accuracy_unknown")]
        age = form.fix_age_seconds()
        if age is not None:
            bits.append(age_text(t, age))
        parts: list[ft.Control] = [
            tagged(ft.Text(value=" · ".join(bits), size=13), "gps-accuracy"),
        ]
        if form.mocked:
            parts.append(tagged(ft.Text(value=t("gps.mocked"), color=WARNING, size=13), "gps-mocked"))
        return parts

    # -- actions ------------------------------------------------------------------------

    async def _read(self, _event: ft.Event[ft.Button]) -> None:
        with self.app.guard():
            limit = self.app.device.settings().gps_max_accuracy_m
            self.problem_key = None
            self.form.refuse_weak_fix()
            self.waiting = True
            self.redraw()
            try:
                fix = await self.app.gps.read_fix(progress=self._progress)
            finally:
                self.waiting = False
            if fix.error_key:
                self.problem_key = fix.error_key
            else:
                self.form.use_fix(fix, max_accuracy_m=limit)
            self.redraw()

    def _progress(self, seconds: int) -> None:
        self.wait_line.value = self.app.t("form.gps_waiting_for", n=seconds, limit=int(self.app.gps.timeout))
        self.wait_line.update()

    def _cancel(self, _event: ft.Event[ft.OutlinedButton]) -> None:
        with self.app.guard():
            self.app.gps.cancel()

    def _accept(self, _event: ft.Event[ft.OutlinedButton]) -> None:
        with self.app.guard():
            self.form.accept_weak_fix()
            self.redraw()

    def _refuse(self, _event: ft.Event[ft.TextButton]) -> None:
        with self.app.guard():
            self.form.refuse_weak_fix()
            self.redraw()

    def _switch(self, mode: str) -> None:
        with self.app.guard():
            self.problem_key = None
            self.form.set_mode(mode)
            self.redraw()
