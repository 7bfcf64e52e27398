"""The new/edit observation form: the text a person typed ⇄ a record in "Record format".

Text that isn't even a number is caught here (a translation key beside the field);
everything else is checked by the model (`InvalidObservation.errors`, dotted field
paths like "details.count" or "location.lat"), whose messages land beside the field
with the same path. Saving and finalizing go through the unlocked device.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

LOCATION_MODES: tuple[str, ...] = ("gps", "manual", "mgrs", "place")
TIME_FORMAT = "%Y-%m-%d %H:%M"

# Paths a form shows errors beside; anything else goes to the form-level message.
COMMON_FIELDS = (
    "kind",
    "observed_at",
    "observed_by",
    "certainty",
    "description",
    "controlling_side",
    "place",
)


@dataclass(frozen=True)
class FormError:
    """A message beside a field: either a translation key or the model's own text."""

    key: str | None = None
    text: str | None = None


def now_text(clock: Callable[[], datetime]) -> str:
    return clock().astimezone().strftime(TIME_FORMAT)


def parse_local_time(text: str) -> datetime | None:
    """'YYYY-MM-DD HH:MM' in the device's time zone (the offset is kept in the record)."""
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT).astimezone()
    except ValueError:
        return None


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
    location_source: str | None = None  # set when GPS or the place list filled lat/lon
    observed_by: str | None = None
    certainty: str | None = None
    description: str = ""
    controlling_side: str = ""
    amends: str | None = None
    details: dict[str, Any] = field(default_factory=dict)  # name -> text, bool, or {sub: text}
    record_id: str | None = None  # the draft being edited
    errors: dict[str, FormError] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.observed_at:
            self.observed_at = now_text(self.clock)

    # -- filling ------------------------------------------------------------------

    def detail_specs(self) -> list[Any]:
        from fieldapp.model import describe_kind

        return describe_kind(self.kind) if self.kind else []

    def choose_kind(self, kind: str) -> None:
        """Changing the kind keeps only the details the new kind also has."""
        self.kind = kind
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

    def use_place(self, name: str, lat: float, lon: float) -> None:
        self.location_mode = "place"
        self.place = name
        self.lat, self.lon = f"{lat:.6f}", f"{lon:.6f}"
        self.accuracy_m = ""
        self.location_source = "place"

    def use_photo_suggestion(self, offer: dict[str, Any]) -> None:
        """A photo's EXIF time and/or GPS position (`PhotoHints.suggestion`, Record format)."""
        when = offer.get("observed_at")
        if when:
            self.observed_at = datetime.fromisoformat(when).astimezone().strftime(TIME_FORMAT)
            self.errors.pop("observed_at", None)
        location = offer.get("location")
        if location:
            self.use_gps_fix(location["lat"], location["lon"], location.get("accuracy_m"))
            self.errors.pop("location.lat", None)
            self.errors.pop("location.lon", None)

    def set_manual(self, **values: str) -> None:
        """Typing coordinates makes the location manual (it is no longer the GPS fix)."""
        for name, value in values.items():
            setattr(self, name, value)
        self.location_source = "manual"

    @classmethod
    def from_record(cls, record: dict[str, Any], *, clock: Callable[[], datetime], record_id=None):
        """A form showing a stored record (a draft to edit, or an amendment's prefill)."""
        form = cls(clock=clock, record_id=record_id)
        form.kind = record.get("kind")
        when = record.get("observed_at")
        if when:
            try:
                form.observed_at = datetime.fromisoformat(when).astimezone().strftime(TIME_FORMAT)
            except ValueError:
                form.observed_at = str(when)
        location = record.get("location") or {}
        if "lat" in location and "lon" in location:
            form.lat, form.lon = _text(location["lat"]), _text(location["lon"])
            form.accuracy_m = _text(location.get("accuracy_m"))
            form.location_source = location.get("source") or "manual"
            form.location_mode = {"gps": "gps", "place": "place"}.get(form.location_source, "manual")
        form.place = record.get("place") or ""
        form.observed_by = record.get("observed_by")
        form.certainty = record.get("certainty")
        form.description = record.get("description") or ""
        form.controlling_side = record.get("controlling_side") or ""
        form.amends = record.get("amends")
        for spec in form.detail_specs():
            value = (record.get("details") or {}).get(spec.name)
            if value is None:
                continue
            if spec.type == "counts":
                form.details[spec.name] = {sub: _text(n) for sub, n in value.items() if n is not None}
            elif spec.type in ("bool", "choice"):
                form.details[spec.name] = value
            else:
                form.details[spec.name] = _text(value)
        return form

    # -- turning into a record ---------------------------------------------------

    def to_data(self) -> dict[str, Any] | None:
        """The record to hand to the model, or None (with `errors` set) if some text
        can't even be read as what it should be."""
        errors: dict[str, FormError] = {}
        data: dict[str, Any] = {
            "kind": self.kind,
            "place": self.place.strip() or None,
            "observed_by": self.observed_by,
            "certainty": self.certainty,
            "description": self.description,
            "controlling_side": self.controlling_side.strip() or None,
            "amends": self.amends,
        }
        if not self.kind:
            errors["kind"] = FormError(key="form.error.choose_kind")
        when = parse_local_time(self.observed_at)
        if when is None:
            errors["observed_at"] = FormError(key="form.error.time_format")
        else:
            data["observed_at"] = when.isoformat(timespec="seconds")
        data["location"] = self._location(errors)
        data["details"] = self._details(errors)
        self.errors = errors
        return None if errors else data

    def _location(self, errors: dict[str, FormError]) -> dict[str, Any] | None:
        if self.location_mode == "mgrs":
            if not self.mgrs.strip():
                errors["location.mgrs"] = FormError(key="form.error.required")
                return None
            return {"mgrs": self.mgrs.strip(), "source": "manual"}
        if not self.lat.strip() and not self.lon.strip():
            key = {"gps": "form.error.no_fix", "place": "form.error.pick_place"}.get(
                self.location_mode, "form.error.required"
            )
            errors["location.lat"] = FormError(key=key)
            return None
        lat, lon = _number(self.lat), _number(self.lon)
        if lat is None:
            errors["location.lat"] = FormError(key="form.error.number")
        if lon is None:
            errors["location.lon"] = FormError(key="form.error.number")
        location: dict[str, Any] = {"lat": lat, "lon": lon, "source": self.location_source or "manual"}
        if self.accuracy_m.strip():
            accuracy = _number(self.accuracy_m)
            if accuracy is None:
                errors["location.accuracy_m"] = FormError(key="form.error.number")
            location["accuracy_m"] = accuracy
        return location

    def _details(self, errors: dict[str, FormError]) -> dict[str, Any]:
        details: dict[str, Any] = {}
        for spec in self.detail_specs():
            value = self.details.get(spec.name)
            path = f"details.{spec.name}"
            if spec.type in ("int", "float"):
                text = (value or "").strip()
                if not text:
                    continue
                number = _whole(text) if spec.type == "int" else _number(text)
                if number is None:
                    key = "form.error.whole_number" if spec.type == "int" else "form.error.number"
                    errors[path] = FormError(key=key)
                details[spec.name] = number
            elif spec.type == "counts":
                counts = {}
                for sub, text in (value or {}).items():
                    if not str(text).strip():
                        continue
                    number = _whole(str(text).strip())
                    if number is None:
                        errors[f"{path}.{sub}"] = FormError(key="form.error.whole_number")
                    counts[sub] = number
                if counts:
                    details[spec.name] = counts
            elif spec.type == "text":
                if value and str(value).strip():
                    details[spec.name] = str(value)
            elif value is not None:  # bool, choice
                details[spec.name] = value
        return details

    def show_model_errors(self, field_errors: list[Any]) -> None:
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
        if path in COMMON_FIELDS:
            return path
        if path.startswith("location"):
            if self.location_mode == "mgrs":
                return "location.mgrs"
            if path in ("location.lat", "location.lon", "location.accuracy_m"):
                return path
            return "location.lat"
        if path.startswith("details."):
            parts = path.split(".")
            names = {spec.name: spec for spec in self.detail_specs()}
            spec = names.get(parts[1])
            if spec is None:
                return ""
            if spec.type == "counts" and len(parts) > 2 and parts[2] in (spec.subfields or ()):
                return f"details.{parts[1]}.{parts[2]}"
            return f"details.{parts[1]}"
        return ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _whole(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None
