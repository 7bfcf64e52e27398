"""Where: GPS, typed coordinates, MGRS or the offline place list; the point's MGRS; the place name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.state.observation_form import LOCATION_MODES
from fieldapp.ui.state.places import offered_places
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.widgets import message, say, section_title, tagged

if TYPE_CHECKING:
    from fieldapp.ui.shell import AppShell
    from fieldapp.ui.state.observation_form import ObservationForm
    from fieldapp.ui.views.form.inputs import FieldInputs
    from sync.places import Place

PLACE_RESULTS = 8


class LocationSection:
    """Kept by the form screen across redraws (the place search text lives here)."""

    def __init__(
        self, app: AppShell, form: ObservationForm, inputs: FieldInputs, redraw: Callable[[], None]
    ) -> None:
        self.app = app
        self.form = form
        self.inputs = inputs
        self.redraw = redraw
        self.place_query = ""
        self.gps_status = message("gps-status")
        self.place_results = ft.Column(controls=[], spacing=4)

    def build(self) -> list[ft.Control]:
        t = self.app.t
        form = self.form
        # One line at 360 px (short labels, tight padding): a wrapped second row of modes
        # reads as a second choice. Each chip's tap area is the full touch height.
        modes = ft.Row(controls=[], spacing=4, wrap=False)
        for mode in LOCATION_MODES:
            chip = ft.Chip(
                label=ft.Text(value=t(f"form.location.{mode}"), no_wrap=True),
                selected=form.location_mode == mode,
                on_select=lambda _e, mode=mode: self._mode(mode),
                show_checkmark=False,
                height=TOUCH,
                label_padding=ft.Padding.symmetric(horizontal=2),
            )
            modes.controls.append(tagged(chip, f"loc-{mode}"))
        parts: list[ft.Control] = [section_title(t("form.location")), modes]
        if form.location_mode == "gps":
            self.gps_status = message("gps-status")
            parts += [
                tagged(
                    ft.FilledTonalButton(
                        content=t("form.gps_fix"), icon=ft.Icons.MY_LOCATION, on_click=self._gps, height=TOUCH
                    ),
                    "gps-fix",
                ),
                self.gps_status,
            ]
        if form.location_mode == "place":
            parts += self._place_picker()
        if form.location_mode == "mgrs":
            mgrs = ft.TextField(
                label=t("form.mgrs"),
                value=form.mgrs,
                hint_text="33R VQ 12345 67890",
                capitalization=ft.TextCapitalization.CHARACTERS,
                on_change=lambda e: form.set_manual(mgrs=e.control.value),
            )
            self.inputs.add("location.mgrs", mgrs)
            parts.append(tagged(mgrs, "form-mgrs"))
        else:
            parts.append(self._coordinates(read_only=form.location_mode in ("gps", "place")))
        point = form.point_mgrs()
        hint = ft.Text(
            value=t("form.mgrs_is", mgrs=point) if point else "", size=12, color=ft.Colors.ON_SURFACE_VARIANT
        )
        parts.append(tagged(hint, "form-mgrs-hint"))
        place = ft.TextField(
            label=t("form.place"),
            value=form.place,
            on_change=lambda e: setattr(form, "place", e.control.value),
        )
        self.inputs.add("place", place)
        parts.append(tagged(place, "form-place"))
        return parts

    def _coordinates(self, *, read_only: bool) -> ft.Control:
        t = self.app.t
        form = self.form
        lat = ft.TextField(
            label=t("form.lat"),
            value=form.lat,
            read_only=read_only,
            expand=True,
            keyboard_type=ft.KeyboardType.NUMBER,
            on_change=lambda e: form.set_manual(lat=e.control.value),
        )
        lon = ft.TextField(
            label=t("form.lon"),
            value=form.lon,
            read_only=read_only,
            expand=True,
            keyboard_type=ft.KeyboardType.NUMBER,
            on_change=lambda e: form.set_manual(lon=e.control.value),
        )
        self.inputs.add("location.lat", lat)
        self.inputs.add("location.lon", lon)
        return ft.Row(
            controls=[
                ft.Container(content=tagged(lat, "form-lat"), expand=True),
                ft.Container(content=tagged(lon, "form-lon"), expand=True),
            ],
            spacing=8,
            vertical_alignment=ft.CrossAxisAlignment.START,
        )

    def _place_picker(self) -> list[ft.Control]:
        search = ft.TextField(
            label=self.app.t("form.place_search"),
            value=self.place_query,
            prefix_icon=ft.Icons.SEARCH,
            on_change=self._place_typed,
        )
        self.place_results = ft.Column(controls=[], spacing=4)
        self._fill_places()
        return [tagged(search, "place-search"), self.place_results]

    def _fill_places(self) -> None:
        t = self.app.t
        tr = self.app.tr
        rows: list[ft.Control] = []
        for place in offered_places(self.form, self.place_query, limit=PLACE_RESULTS):
            type_key = f"place_type.{place.type}"
            other = place.name if tr.language == "ar" else place.name_ar
            kind = t(type_key) if tr.has(type_key) else place.type
            tile = ft.ListTile(
                title=ft.Text(value=place.label(tr.language)),
                subtitle=ft.Text(value=f"{kind} · {other}" if other and other != place.label(tr.language) else kind, size=12),
                leading=ft.Icon(icon=ft.Icons.PLACE_OUTLINED),
                on_click=lambda _e, place=place: self._pick_place(place),
                min_height=TOUCH,
                dense=True,
            )
            rows.append(tagged(tile, f"place-{place.id}"))
        if not rows and self.place_query.strip():
            rows.append(ft.Text(value=t("form.place_none")))
        self.place_results.controls = rows

    # -- actions ------------------------------------------------------------------------

    def _mode(self, mode: str) -> None:
        with self.app.guard():
            self.form.location_mode = mode
            self.redraw()

    def _place_typed(self, event: ft.Event[ft.TextField]) -> None:
        with self.app.guard():
            self.place_query = event.control.value or ""
            self._fill_places()

    def _pick_place(self, place: Place) -> None:
        with self.app.guard():
            self.form.pick_place(place, self.app.tr.language)
            self.redraw()

    async def _gps(self, _event: ft.Event[ft.Button]) -> None:
        with self.app.guard():
            say(self.gps_status, self.app.t("form.gps_waiting"))
            self.gps_status.update()
            fix = await self.app.gps.read_fix()
            if fix.error_key:
                say(self.gps_status, self.app.t(fix.error_key))
                return
            self.form.use_fix(fix)
            self.redraw()
