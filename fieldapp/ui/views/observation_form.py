"""New / edit observation: kind first, then only that kind's fields; location by GPS,
coordinates, MGRS or the offline place list; photos; save draft or finalize."""

import asyncio
from typing import Any

import flet as ft

from fieldapp.store import StoreError
from fieldapp.store.attachments import PhotoUnreadable
from fieldapp.ui.state.observation_form import LOCATION_MODES, FormError, ObservationForm
from fieldapp.ui.state.photos import PICK_EXTENSIONS, FormPhotos, Notice, refusal
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.common import confirm
from fieldapp.ui.views.labels import choice_label, field_label, kind_label
from fieldapp.ui.views.photos import notice_text, photo_tile
from fieldapp.ui.views.widgets import icon_button, message, say, screen, section_title, tagged

COMMON_CHOICES = {"observed_by": "OBSERVED_BY", "certainty": "CERTAINTIES"}
PLACE_RESULTS = 8


class ObservationFormScreen:
    def __init__(self, app: Any, *, form: ObservationForm | None = None) -> None:
        self.app = app
        self.form = form or ObservationForm(clock=app.clock)
        self.inputs: dict[str, ft.Control] = {}  # error path -> the control showing it
        self.place_query = ""
        self._photos: Any = None  # FormPhotos, made when the photo section is first drawn
        self.photo_notice: Notice | None = None
        self._picking = False  # a picked photo is being read: saving waits for it

    # -- building -----------------------------------------------------------------------

    def build(self) -> ft.Control:
        t = self.app.t
        if self.form.record_id:
            title = t("form.title_edit")
        elif self.form.amends:
            title = t("form.title_amend")
        else:
            title = t("form.title_new")
        back = icon_button(ft.Icons.ARROW_BACK, t("common.back"), "form-back", self._back)
        if not self.form.kind:
            return screen(title=title, leading=back, body=self._kind_picker())
        self.inputs = {}
        self.error = message("form-error", error=True)
        body: list[ft.Control] = [
            self._kind_row(),
            *self._when(),
            *self._location(),
            *self._common(),
            *self._details(),
            *self._photo_section(),
            self.error,
        ]
        actions = [
            ft.Row(
                controls=[
                    tagged(
                        ft.OutlinedButton(
                            content=t("form.save_draft"),
                            icon=ft.Icons.SAVE_OUTLINED,
                            on_click=self._save,
                            height=TOUCH,
                            expand=True,
                        ),
                        "form-save",
                    ),
                    tagged(
                        ft.FilledButton(
                            content=t("form.finalize"),
                            icon=ft.Icons.VERIFIED_OUTLINED,
                            on_click=self._finalize,
                            height=TOUCH,
                            expand=True,
                        ),
                        "form-finalize",
                    ),
                ],
                spacing=8,
            )
        ]
        # The tagged buttons must share the row's width: wrap each in an expanding container.
        actions[0].controls = [ft.Container(content=c, expand=True) for c in actions[0].controls]
        self._show_errors()
        return screen(title=title, leading=back, body=body, actions=actions)

    def _kind_picker(self) -> list[ft.Control]:
        from fieldapp.model import KINDS

        t = self.app.t
        rows: list[ft.Control] = [section_title(t("form.choose_kind"))]
        for kind in KINDS:
            button = ft.OutlinedButton(
                content=ft.Column(
                    controls=[
                        ft.Text(value=kind_label(self.app, kind), weight=ft.FontWeight.W_600),
                        ft.Text(value=t(f"kind_hint.{kind}"), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                    ],
                    spacing=0,
                    tight=True,
                ),
                on_click=lambda _e, kind=kind: self._pick_kind(kind),
                style=ft.ButtonStyle(
                    padding=ft.Padding.symmetric(horizontal=16, vertical=8),
                    shape=ft.RoundedRectangleBorder(radius=8),
                    alignment=ft.Alignment.CENTER_LEFT,
                ),
                height=64,
                expand=True,
            )
            rows.append(tagged(ft.Row(controls=[button]), f"kind-{kind}"))
        return rows

    def _kind_row(self) -> ft.Control:
        t = self.app.t
        return ft.Row(
            controls=[
                ft.Text(
                    value=t("form.kind", kind=kind_label(self.app, self.form.kind)),
                    weight=ft.FontWeight.BOLD,
                    expand=True,
                ),
                tagged(
                    ft.TextButton(content=t("form.change_kind"), on_click=self._change_kind, height=TOUCH),
                    "form-change-kind",
                ),
            ],
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        )

    def _when(self) -> list[ft.Control]:
        t = self.app.t
        field = ft.TextField(
            label=t("form.observed_at"),
            value=self.form.observed_at,
            helper=t("form.observed_at_help"),
            expand=True,
            on_change=lambda e: setattr(self.form, "observed_at", e.control.value),
        )
        self.inputs["observed_at"] = field
        now = tagged(ft.TextButton(content=t("form.now"), on_click=self._now, height=TOUCH), "form-now")
        return [
            ft.Row(
                controls=[ft.Container(content=tagged(field, "form-observed-at"), expand=True), now],
                vertical_alignment=ft.CrossAxisAlignment.START,
            )
        ]

    # location ---------------------------------------------------------------------------

    def _location(self) -> list[ft.Control]:
        t = self.app.t
        form = self.form
        modes = ft.Row(controls=[], spacing=4, wrap=True)
        for mode in LOCATION_MODES:
            chip = ft.Chip(
                label=ft.Text(value=t(f"form.location.{mode}")),
                selected=form.location_mode == mode,
                on_select=lambda _e, mode=mode: self._location_mode(mode),
                show_checkmark=False,
                height=TOUCH - 8,
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
            self.inputs["location.mgrs"] = mgrs
            parts.append(tagged(mgrs, "form-mgrs"))
        else:
            read_only = form.location_mode in ("gps", "place")
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
            self.inputs["location.lat"], self.inputs["location.lon"] = lat, lon
            parts.append(
                ft.Row(
                    controls=[
                        ft.Container(content=tagged(lat, "form-lat"), expand=True),
                        ft.Container(content=tagged(lon, "form-lon"), expand=True),
                    ],
                    spacing=8,
                    vertical_alignment=ft.CrossAxisAlignment.START,
                )
            )
        self.mgrs_hint = ft.Text(value=self._mgrs_of_location(), size=12, color=ft.Colors.ON_SURFACE_VARIANT)
        parts.append(tagged(self.mgrs_hint, "form-mgrs-hint"))
        place = ft.TextField(
            label=t("form.place"),
            value=form.place,
            on_change=lambda e: setattr(form, "place", e.control.value),
        )
        self.inputs["place"] = place
        parts.append(tagged(place, "form-place"))
        return parts

    def _mgrs_of_location(self) -> str:
        from fieldapp.model import to_mgrs

        try:
            lat, lon = float(self.form.lat), float(self.form.lon)
            return self.app.t("form.mgrs_is", mgrs=to_mgrs(lat, lon))
        except Exception:  # no or partial coordinates yet: nothing to show
            return ""

    def _place_picker(self) -> list[ft.Control]:
        t = self.app.t
        search = ft.TextField(
            label=t("form.place_search"),
            value=self.place_query,
            prefix_icon=ft.Icons.SEARCH,
            on_change=self._place_typed,
        )
        self.place_results = ft.Column(controls=[], spacing=4)
        self._fill_places()
        return [tagged(search, "place-search"), self.place_results]

    def _fill_places(self) -> None:
        from fieldapp.ui.state.places import find_places

        t = self.app.t
        results = find_places(self.place_query, limit=PLACE_RESULTS)
        rows: list[ft.Control] = []
        for place in results:
            name = place.label(self.app.tr.language)
            tile = ft.ListTile(
                title=ft.Text(value=name),
                subtitle=ft.Text(
                    value=t(f"place_type.{place.type}")
                    if self.app.tr.has(f"place_type.{place.type}")
                    else place.type,
                    size=12,
                ),
                leading=ft.Icon(icon=ft.Icons.PLACE_OUTLINED),
                on_click=lambda _e, place=place: self._pick_place(place),
                min_height=TOUCH,
                dense=True,
            )
            rows.append(tagged(tile, f"place-{place.id}"))
        if not rows and self.place_query.strip():
            rows.append(ft.Text(value=t("form.place_none")))
        self.place_results.controls = rows

    # common and details -------------------------------------------------------------------

    def _dropdown(self, path: str, label: str, choices, value, on_pick, *, field_name: str) -> ft.Control:
        dropdown = ft.Dropdown(
            label=label,
            value=value,
            options=[ft.DropdownOption(key=c, text=choice_label(self.app, field_name, c)) for c in choices],
            on_select=lambda e: on_pick(e.control.value or None),
            expand=True,
            enable_filter=False,
            enable_search=False,
        )
        self.inputs[path] = dropdown
        return tagged(ft.Row(controls=[dropdown]), f"form-{path.replace('.', '-').replace('_', '-')}")

    def _common(self) -> list[ft.Control]:
        from fieldapp.model import CERTAINTIES, OBSERVED_BY

        t = self.app.t
        form = self.form
        description = ft.TextField(
            label=t("field.description"),
            value=form.description,
            multiline=True,
            min_lines=2,
            max_lines=6,
            on_change=lambda e: setattr(form, "description", e.control.value),
        )
        side = ft.TextField(
            label=t("field.controlling_side"),
            value=form.controlling_side,
            on_change=lambda e: setattr(form, "controlling_side", e.control.value),
        )
        self.inputs["description"], self.inputs["controlling_side"] = description, side
        return [
            section_title(t("form.what_seen")),
            self._dropdown(
                "observed_by",
                t("field.observed_by"),
                OBSERVED_BY,
                form.observed_by,
                lambda v: setattr(form, "observed_by", v),
                field_name="observed_by",
            ),
            self._dropdown(
                "certainty",
                t("field.certainty"),
                CERTAINTIES,
                form.certainty,
                lambda v: setattr(form, "certainty", v),
                field_name="certainty",
            ),
            tagged(description, "form-description"),
            tagged(side, "form-controlling-side"),
        ]

    def _details(self) -> list[ft.Control]:
        specs = self.form.detail_specs()
        if not specs:
            return []
        t = self.app.t
        parts: list[ft.Control] = [
            section_title(t("form.details", kind=kind_label(self.app, self.form.kind)))
        ]
        for spec in specs:
            parts.append(self._detail(spec))
        return parts

    def _detail(self, spec: Any) -> ft.Control:
        details = self.form.details
        path = f"details.{spec.name}"
        label = field_label(self.app, spec.name) + (" *" if spec.required else "")
        identifier = f"detail-{spec.name.replace('_', '-')}"

        def store(value: Any, name: str = spec.name) -> None:
            details[name] = value

        if spec.type == "choice":
            return self._dropdown(
                path, label, spec.choices, details.get(spec.name), store, field_name=spec.name
            )
        if spec.type == "bool":
            current = details.get(spec.name)
            value = None if current is None else ("yes" if current else "no")
            return self._dropdown(
                path,
                label,
                ("yes", "no"),
                value,
                lambda v, store=store: store(None if v is None else v == "yes"),
                field_name="yes_no",
            )
        if spec.type == "counts":
            counts = details.setdefault(spec.name, {})
            boxes = ft.Row(controls=[], wrap=True, spacing=8, run_spacing=8)
            for sub in spec.subfields or ():
                box = ft.TextField(
                    label=choice_label(self.app, spec.name, sub),
                    value=counts.get(sub, ""),
                    width=100,
                    keyboard_type=ft.KeyboardType.NUMBER,
                    on_change=lambda e, sub=sub, counts=counts: counts.__setitem__(sub, e.control.value),
                )
                self.inputs[f"{path}.{sub}"] = box
                boxes.controls.append(tagged(box, f"{identifier}-{sub}"))
            return ft.Column(controls=[ft.Text(value=label, weight=ft.FontWeight.W_500), boxes], spacing=4)
        numeric = spec.type in ("int", "float")
        field = ft.TextField(
            label=label,
            value=str(details.get(spec.name) or ""),
            keyboard_type=ft.KeyboardType.NUMBER if numeric else ft.KeyboardType.TEXT,
            multiline=not numeric and (spec.max_length or 0) > 200,
            on_change=lambda e: store(e.control.value),
        )
        self.inputs[path] = field
        return tagged(field, identifier)

    # photos -------------------------------------------------------------------------------

    @property
    def photos(self) -> FormPhotos:
        if self._photos is None:
            self._photos = FormPhotos(
                self.app.session.device,
                record_id=self.form.record_id,
                local_offset=lambda: self.app.clock().astimezone().utcoffset(),
            )
        return self._photos

    def _photo_section(self) -> list[ft.Control]:
        from sync.attachment_protocol import PHOTO_SIZE_MAX, PHOTOS_PER_RECORD_MAX

        t = self.app.t
        self.photo_list = ft.Column(controls=[], spacing=8)
        self.photo_offer = ft.Container()
        self.photo_status = message("photo-notice")
        # The picker opens on the client inside the tap (PickFiles): browsers, iOS Safari
        # above all, open a file dialog only while handling the user's own gesture.
        add = ft.OutlinedButton(
            content=t("photo.add"),
            icon=ft.Icons.ADD_A_PHOTO_OUTLINED,
            height=TOUCH,
            expand=True,
            action=ft.PickFiles(
                file_picker=self.app.file_picker(),
                file_type=ft.FilePickerFileType.CUSTOM,
                allowed_extensions=PICK_EXTENSIONS,
                with_data=True,
                cancel_upload_on_window_blur=False,
            ),
        )
        self._fill_photos()
        return [
            section_title(t("photo.section")),
            ft.Text(
                value=t(
                    "photo.add_help",
                    max_mb=PHOTO_SIZE_MAX // (1024 * 1024),
                    max_count=PHOTOS_PER_RECORD_MAX,
                ),
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            tagged(self.photo_list, "form-photos"),
            self.photo_offer,
            self.photo_status,
            tagged(ft.Row(controls=[add]), "photo-add"),
        ]

    def _fill_photos(self) -> None:
        t = self.app.t
        photos = self.photos
        self.photo_list.controls = [
            photo_tile(self.app, card, on_remove=self._remove_photo) for card in photos.cards
        ]
        offer = photos.suggestion
        if offer:
            parts = []
            if offer.get("observed_at"):
                from datetime import datetime

                when = datetime.fromisoformat(offer["observed_at"]).astimezone()
                parts.append(t("photo.offer_time", time=when.strftime("%Y-%m-%d %H:%M")))
            if offer.get("location"):
                where = offer["location"]
                parts.append(t("photo.offer_place", lat=f"{where['lat']:.5f}", lon=f"{where['lon']:.5f}"))
            self.photo_offer.content = ft.Container(
                content=ft.Column(
                    controls=[
                        tagged(
                            ft.Text(value=t("photo.offer", details=", ".join(parts))),
                            "photo-offer-text",
                        ),
                        tagged(
                            ft.FilledTonalButton(
                                content=t("photo.use_hints"),
                                icon=ft.Icons.PLACE_OUTLINED,
                                on_click=self._use_photo_hints,
                                height=TOUCH,
                            ),
                            "photo-use-hints",
                        ),
                    ],
                    spacing=8,
                ),
                bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
                padding=12,
                border_radius=8,
            )
            self.photo_offer.visible = True
        else:
            self.photo_offer.content = None
            self.photo_offer.visible = False
        notice = self.photo_notice
        say(
            self.photo_status,
            notice_text(self.app, notice) if notice else None,
            colour=ft.Colors.RED_800 if notice and notice.is_error else ft.Colors.ON_SURFACE_VARIANT,
        )

    async def photo_picked(self, event: Any) -> None:
        """The picker's result (FilePicker.on_result, through the app)."""
        self.app.touch()
        files = list(getattr(event, "files", None) or [])
        if not files:
            return  # cancelled
        if self._picking:  # one at a time: the photo list is not shared between threads
            self.app.toast(self.app.t("photo.busy"))
            return
        self._picking = True
        try:
            await self._take_photos(files)
        finally:
            self._picking = False
        self._fill_photos()
        self.app.page.update()

    async def _take_photos(self, files: list[Any]) -> None:
        for picked in files:
            source = picked.bytes if picked.bytes is not None else picked.path
            if source is None:  # neither bytes nor a path: nothing to read
                self.photo_notice = refusal(PhotoUnreadable(), picked.name)
                break
            self.photo_notice = Notice(key="photo.adding")
            self._fill_photos()
            self.app.page.update()
            try:
                # hashing, EXIF and the thumbnail (and sealing, for a saved draft) off the loop
                await asyncio.to_thread(self.photos.pick, picked.name, source)
            except StoreError as exc:  # a refused photo, or the draft finalized/deleted meanwhile
                self.photo_notice = refusal(exc, picked.name)
                break
            self.photo_notice = Notice(key="photo.added" if self.photos.record_id else "photo.held")
        if self.photos.held and self.form.record_id is None:
            # the draft is saved first (if the form already can be), then the photo is sealed into it
            saved_errors = dict(self.form.errors)
            record_id = self._save_quietly()
            if record_id is None:
                self.form.errors = saved_errors
            else:
                refusals = self.photos.store_held(record_id)
                self.photo_notice = refusals[0] if refusals else Notice(key="photo.saved_draft_first")

    def _save_quietly(self) -> str | None:
        """Save the form as a draft if it is complete enough; no messages beside fields if not."""
        from fieldapp.model import InvalidObservation

        data = self.form.to_data()
        if data is None:
            return None
        try:
            record_id = self.app.session.device.save_draft(data, record_id=self.form.record_id)
        except InvalidObservation:
            return None
        self.form.record_id = record_id
        return record_id

    def _remove_photo(self, sha256: str) -> None:
        self.app.touch()
        try:
            self.photos.remove(sha256)
            self.photo_notice = Notice(key="photo.removed")
        except StoreError as exc:  # a photo error, or the report was finalized meanwhile
            self.photo_notice = refusal(exc, "")
        self._fill_photos()

    def _use_photo_hints(self, _event) -> None:
        self.app.touch()
        offer = self.photos.take_suggestion()
        self.form.use_photo_suggestion(offer)
        self.photo_notice = Notice(key="photo.used_hints")
        self.app.show(self)

    def _store_held_photos(self, record_id: str) -> bool:
        """After a save: seal photos held until the draft existed. False if one was refused
        (it stays on the form with its reason; the draft and the other photos are kept)."""
        if self._photos is None or not self.photos.held:
            return True
        refusals = self.photos.store_held(record_id)
        self.photo_notice = refusals[0] if refusals else Notice(key="photo.added")
        self._fill_photos()
        return not refusals

    def _show_errors(self) -> None:
        """Messages beside their fields (TextField.error / Dropdown.error_text); others below."""
        for path, control in self.inputs.items():
            error = self.form.errors.get(path)
            text = self._error_text(error) if error else None
            if isinstance(control, ft.Dropdown):
                control.error_text = text
            else:
                control.error = text
        unplaced = [self._error_text(e) for p, e in self.form.errors.items() if p not in self.inputs]
        say(
            self.error,
            "\n".join(unplaced)
            if unplaced
            else (self.app.t("form.error.fix_fields") if self.form.errors else None),
        )

    def _error_text(self, error: FormError) -> str:
        if error.key:
            return self.app.t(error.key)
        from fieldapp.ui.state.model_messages import translate_model_message

        return translate_model_message(error.text or "", self.app.tr)

    # -- actions ---------------------------------------------------------------------------

    def _back(self, _event) -> None:
        self.app.touch()
        self.app.show_home()

    def _pick_kind(self, kind: str) -> None:
        self.app.touch()
        self.form.choose_kind(kind)
        self.app.show(self)

    def _change_kind(self, _event) -> None:
        self.app.touch()
        self.form.kind = None
        self.app.show(self)

    def _now(self, _event) -> None:
        self.app.touch()
        self.form.set_time_now()
        self.inputs["observed_at"].value = self.form.observed_at

    def _location_mode(self, mode: str) -> None:
        self.app.touch()
        self.form.location_mode = mode
        self.app.show(self)

    def _place_typed(self, event) -> None:
        self.app.touch()
        self.place_query = event.control.value or ""
        self._fill_places()

    def _pick_place(self, place: Any) -> None:
        self.app.touch()
        self.form.use_place(place.label(self.app.tr.language), place.lat, place.lon)
        self.form.errors.pop("location.lat", None)
        self.app.show(self)

    async def _gps(self, _event) -> None:
        from fieldapp.ui.state.gps import read_fix

        self.app.touch()
        t = self.app.t
        say(self.gps_status, t("form.gps_waiting"))
        self.gps_status.update()
        fix = await read_fix(self.app)
        if fix.error_key:
            say(self.gps_status, t(fix.error_key))
            return
        self.form.use_gps_fix(fix.lat, fix.lon, fix.accuracy_m)
        self.form.errors.pop("location.lat", None)
        self.app.show(self)

    def _submit(self) -> str | None:
        """Validate and save the draft; the record id, or None with the errors shown."""
        from fieldapp.model import InvalidObservation

        if self._picking:
            self.app.toast(self.app.t("photo.busy"))
            return None
        data = self.form.to_data()
        if data is None:
            self._show_errors()
            return None
        try:
            record_id = self.app.session.device.save_draft(data, record_id=self.form.record_id)
        except InvalidObservation as exc:
            self.form.show_model_errors(exc.errors)
            self._show_errors()
            return None
        self.form.record_id = record_id
        self.form.errors = {}
        self._show_errors()
        if not self._store_held_photos(record_id):
            return None
        return record_id

    def _save(self, _event) -> None:
        self.app.touch()
        if self._submit():
            self.app.toast(self.app.t("form.saved"))
            self.app.show_home("drafts")

    def _finalize(self, _event) -> None:
        self.app.touch()
        record_id = self._submit()
        if not record_id:
            return
        t = self.app.t

        def do_finalize() -> None:
            self.app.session.device.finalize(record_id)
            self.app.toast(t("form.finalized"))
            if self.app.sync is not None:
                self.app.sync.sync_now()
            self.app.show_home("pending")

        confirm(
            self.app,
            title=t("form.finalize_title"),
            text=t("form.finalize_text"),
            confirm_label=t("form.finalize"),
            on_confirm=do_finalize,
            identifier="finalize-confirm",
        )
