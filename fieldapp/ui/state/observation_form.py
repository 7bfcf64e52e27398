"""The new/edit observation form: what the observer typed, and the actions on it.

Everything on the form is kept as text (or None/bool) plus the errors to show beside
fields; `form_record.py` turns it into a record and back. The actions — save as a draft
(the one save path: Save draft, Finalize and a photo's "save first" all go through
`save`), finalize, use a GPS fix / a place / a photo's hints — are methods here, so the
screen only draws the form and calls them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fieldapp.ui.state.form_record import (
    FormError,
    field_for,
    fill_from_record,
    local_time_text,
    now_text,
    read_form,
)
from fieldapp.ui.state.photos import FormPhotos, Notice
from fieldapp.ui.state.register_picker import RegisterChoice, RegisterChoices

if TYPE_CHECKING:
    from fieldapp.model import FieldError, FieldSpec
    from fieldapp.services import Unlocked
    from fieldapp.ui.state.gps import GpsFix
    from sync.places import Place

__all__ = ["LOCATION_MODES", "FormError", "ObservationForm", "SaveOutcome"]

LOCATION_MODES: tuple[str, ...] = ("gps", "manual", "mgrs", "place")


@dataclass(frozen=True)
class SaveOutcome:
    """What `ObservationForm.save` did."""

    record_id: str | None = None  # the saved draft; None: not saved (the reasons are beside the fields)
    photo_refusals: tuple[Notice, ...] = ()  # held photos refused when sealing: kept on the form
    busy: bool = False  # a picked photo was still being read: nothing was done

    @property
    def ok(self) -> bool:
        """Saved with all its photos: Save draft may leave the form, Finalize may go on."""
        return self.record_id is not None and not self.photo_refusals


@dataclass
class ObservationForm:
    """Everything on the form as text (or None/bool), plus the errors to show."""

    clock: Callable[[], datetime]
    kind: str | None = None
    observed_at: str = ""
    location_mode: str = "manual"
    lat: str = ""
    lon: str = ""
    accuracy_m: str = ""
    mgrs: str = ""
    place: str = ""
    place_ref: dict[str, Any] | None = None  # the gazetteer id and both names of a picked place
    location_source: str | None = None  # set when GPS or the place list filled lat/lon
    observed_by: str | None = None
    certainty: str | None = None
    description: str = ""
    controlling_side: str = ""
    amends: str | None = None
    question: str | None = None  # the verifier's question this amendment answers (shown, not stored)
    details: dict[str, Any] = field(default_factory=dict)  # name -> text, bool, or {sub: text}
    record_id: str | None = None  # the draft being edited
    errors: dict[str, FormError] = field(default_factory=dict)
    photos: FormPhotos | None = field(default=None, repr=False, compare=False)  # see `photos_on`
    registers: RegisterChoices | None = field(default=None, repr=False, compare=False)  # see `registers_on`

    def __post_init__(self) -> None:
        if not self.observed_at:
            self.observed_at = now_text(self.clock)

    @classmethod
    def from_record(
        cls, record: dict[str, Any], *, clock: Callable[[], datetime], record_id: str | None = None
    ) -> ObservationForm:
        """A form showing a stored record (a draft to edit, or an amendment's prefill)."""
        form = cls(clock=clock, record_id=record_id)
        fill_from_record(form, record)
        return form

    @property
    def purpose(self) -> str:
        """ "edit" (a saved draft), "answer" (a new report answering a verifier's question),
        "amend" (a new report amending another) or "new"."""
        if self.record_id:
            return "edit"
        if self.amends:
            return "answer" if self.question else "amend"
        return "new"

    # -- filling ------------------------------------------------------------------

    def detail_specs(self) -> list[FieldSpec]:
        from fieldapp.model import describe_kind

        return describe_kind(self.kind) if self.kind else []

    def choose_kind(self, kind: str | None) -> None:
        """Changing the kind keeps only the details the new kind also has; None goes back
        to the kind picker (the details stay until another kind is chosen)."""
        self.kind = kind
        if kind is None:
            return
        names = {spec.name for spec in self.detail_specs()}
        self.details = {name: value for name, value in self.details.items() if name in names}
        self.errors = {k: v for k, v in self.errors.items() if not k.startswith("details.")}

    def set_time_now(self) -> None:
        self.observed_at = now_text(self.clock)

    def use_gps_fix(self, lat: float, lon: float, accuracy_m: float | None) -> None:
        self.location_mode = "gps"
        self.lat, self.lon = f"{lat:.6f}", f"{lon:.6f}"
        self.accuracy_m = "" if accuracy_m is None else f"{accuracy_m:.0f}"
        self.location_source = "gps"

    def use_fix(self, fix: GpsFix) -> None:
        """The GPS button's fix (one without an error)."""
        self.use_gps_fix(fix.lat, fix.lon, fix.accuracy_m)
        self.errors.pop("location.lat", None)

    def use_place(self, name: str, lat: float, lon: float, ref: dict[str, Any] | None = None) -> None:
        self.location_mode = "place"
        self.place = name
        self.place_ref = ref
        self.lat, self.lon = f"{lat:.6f}", f"{lon:.6f}"
        self.accuracy_m = ""
        self.location_source = "place"

    def pick_place(self, place: Place, language: str) -> None:
        """A place from the offline list: its name in the app's language, its point."""
        self.use_place(place.label(language), place.lat, place.lon, place.ref())
        self.errors.pop("location.lat", None)

    def use_photo_suggestion(self, offer: dict[str, Any]) -> None:
        """A photo's EXIF time and/or GPS position (`PhotoHints.suggestion`, Record format)."""
        when = offer.get("observed_at")
        if when:
            self.observed_at = local_time_text(when)
            self.errors.pop("observed_at", None)
        location = offer.get("location")
        if location:
            self.use_gps_fix(location["lat"], location["lon"], location.get("accuracy_m"))
            self.errors.pop("location.lat", None)
            self.errors.pop("location.lon", None)

    def use_photo_hints(self) -> None:
        """ "Use the photo's time and place": the offer of the last picked photo, once."""
        if self.photos is None:
            return
        self.use_photo_suggestion(self.photos.take_suggestion())
        self.photos.notice = Notice(key="photo.used_hints")

    def set_manual(self, **values: str) -> None:
        """Typing coordinates makes the location manual (it is no longer the GPS fix)."""
        for name, value in values.items():
            setattr(self, name, value)
        self.location_source = "manual"
        self.place_ref = None  # the point is no longer the picked place's

    def point_mgrs(self) -> str | None:
        """The MGRS grid reference of the coordinates typed so far (None while incomplete)."""
        from fieldapp.model import to_mgrs

        try:
            return to_mgrs(float(self.lat), float(self.lon))
        except Exception:  # no or partial coordinates yet, or outside MGRS: nothing to show
            return None

    # -- register fields (unit, camp, crossing, storage site) -----------------------

    def registers_on(self, device: Unlocked) -> RegisterChoices:
        """The device's registers, read once per form."""
        if self.registers is None:
            self.registers = RegisterChoices.of_device(device)
        return self.registers

    def position(self) -> tuple[float, float] | None:
        """The coordinates on the form so far (for "nearest first"), or None."""
        try:
            lat, lon = float(self.lat), float(self.lon)
        except ValueError:
            return None
        return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None

    def register_options(self, device: Unlocked, name: str, query: str, language: str) -> list[RegisterChoice]:
        """What a register field offers for the text typed so far."""
        spec = next((s for s in self.detail_specs() if s.name == name and s.register), None)
        if spec is None or spec.register is None:
            return []
        return self.registers_on(device).search(spec.register, query, language=language, near=self.position())

    def pick_entry(self, name: str, choice: RegisterChoice) -> None:
        """A register entry picked: the record will carry its id and the name shown."""
        self.details[name] = choice.reference()
        self.errors.pop(f"details.{name}", None)

    def type_entry(self, name: str, text: str) -> None:
        """Typing in a register field makes it free text (what the register lacks)."""
        self.details[name] = text

    def entry_text(self, name: str) -> str:
        value = self.details.get(name)
        return value.get("name", "") if isinstance(value, dict) else str(value or "")

    def picked(self, name: str) -> str | None:
        """The register id of a field filled from the register (None: free text or empty)."""
        value = self.details.get(name)
        return value.get("id") if isinstance(value, dict) else None

    # -- photos -------------------------------------------------------------------

    def photos_on(self, device: Unlocked) -> FormPhotos:
        """The form's photos (made on first use: the stored ones are read from the draft).
        A photo picked while the form could already be saved saves the draft first."""
        if self.photos is None:
            self.photos = FormPhotos(
                device,
                record_id=self.record_id,
                local_offset=lambda: self.clock().astimezone().utcoffset(),
                save_first=lambda: self.save(device, quiet=True),
            )
        return self.photos

    # -- turning into a record, saving --------------------------------------------

    def to_data(self) -> dict[str, Any] | None:
        """The record to hand to the model, or None (with `errors` set) if some text
        can't even be read as what it should be."""
        data, self.errors = read_form(self)
        return None if self.errors else data

    def show_model_errors(self, field_errors: list[FieldError]) -> None:
        """`InvalidObservation.errors` beside their fields; unplaced ones under "" (the form)."""
        placed: dict[str, FormError] = {}
        for error in field_errors:
            path = self.field_for(error.field)
            if path in placed:
                continue
            placed[path] = FormError(text=error.message)
        self.errors = placed

    def field_for(self, path: str) -> str:
        """The form field an error path is shown beside."""
        return field_for(self, path)

    def save(self, device: Unlocked, *, quiet: bool = False) -> SaveOutcome:
        """Validate and save as a draft (new, or the draft being edited), then seal the
        photos that waited for it. What's wrong lands in `errors`; with `quiet` (a photo's
        "save first") a form that can't be saved yet keeps the messages it showed."""
        from fieldapp.model import InvalidObservation

        if self.photos is not None and self.photos.busy:
            return SaveOutcome(busy=True)
        shown = dict(self.errors)
        data = self.to_data()
        if data is None:
            if quiet:
                self.errors = shown
            return SaveOutcome()
        try:
            record_id = device.save_draft(data, record_id=self.record_id)
        except InvalidObservation as exc:
            if quiet:
                self.errors = shown
            else:
                self.show_model_errors(exc.errors)
            return SaveOutcome()
        self.record_id = record_id
        self.errors = {}
        refusals = self.photos.store_held(record_id) if self.photos is not None else []
        return SaveOutcome(record_id=record_id, photo_refusals=tuple(refusals))

    def finalize(self, device: Unlocked) -> str:
        """Sign the saved draft (after a successful `save` and the observer's yes): it is
        queued to send and can no longer change. Returns its id."""
        if self.record_id is None:
            raise ValueError("finalize needs a saved draft: call save() first")
        device.finalize(self.record_id)
        return self.record_id
