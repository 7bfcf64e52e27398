"""The observation form's text ⇄ a record in "Record format" (fieldapp.model).

Text that isn't even a number is caught here (a translation key beside the field);
everything else is checked by the model (`InvalidObservation.errors`, dotted field
paths like "details.count" or "location.lat"), whose messages land beside the field
with the same path (`field_for`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.model import FieldSpec
    from fieldapp.ui.state.observation_form import ObservationForm

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


def local_time_text(iso: str) -> str:
    """A record's ISO time as the form shows it: in the device's zone."""
    return datetime.fromisoformat(iso).astimezone().strftime(TIME_FORMAT)


def parse_local_time(text: str) -> datetime | None:
    """'YYYY-MM-DD HH:MM' in the device's time zone (the offset is kept in the record)."""
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT).astimezone()
    except ValueError:
        return None


# -- form -> record -----------------------------------------------------------------------


def _place_ref(form: ObservationForm) -> dict[str, Any] | None:
    """The picked place's reference, while the point and the name are still the picked ones
    (a name typed over it is the observer's own, with no gazetteer entry behind it)."""
    ref = form.place_ref
    if ref is None or form.location_source != "place":
        return None
    return ref if form.place.strip() in (ref.get("en"), ref.get("ar")) else None


def read_form(form: ObservationForm) -> tuple[dict[str, Any], dict[str, FormError]]:
    """The record to hand to the model, and the errors of text that can't even be read
    as what it should be (the record is only usable when there are none)."""
    errors: dict[str, FormError] = {}
    data: dict[str, Any] = {
        "kind": form.kind,
        "place": form.place.strip() or None,
        "place_ref": _place_ref(form),
        "observed_by": form.observed_by,
        "certainty": form.certainty,
        "description": form.description,
        "controlling_side": form.controlling_side.strip() or None,
        "amends": form.amends,
    }
    if not form.kind:
        errors["kind"] = FormError(key="form.error.choose_kind")
    when = parse_local_time(form.observed_at)
    if when is None:
        errors["observed_at"] = FormError(key="form.error.time_format")
    else:
        data["observed_at"] = when.isoformat(timespec="seconds")
    data["location"] = _location(form, errors)
    data["details"] = _details(form.detail_specs(), form.details, errors)
    return data, errors


def _location(form: ObservationForm, errors: dict[str, FormError]) -> dict[str, Any] | None:
    if form.location_mode == "mgrs":
        if not form.mgrs.strip():
            errors["location.mgrs"] = FormError(key="form.error.required")
            return None
        return {"mgrs": form.mgrs.strip(), "source": "manual"}
    if not form.lat.strip() and not form.lon.strip():
        key = {"gps": "form.error.no_fix", "place": "form.error.pick_place"}.get(
            form.location_mode, "form.error.required"
        )
        errors["location.lat"] = FormError(key=key)
        return None
    lat, lon = number(form.lat), number(form.lon)
    if lat is None:
        errors["location.lat"] = FormError(key="form.error.number")
    if lon is None:
        errors["location.lon"] = FormError(key="form.error.number")
    location: dict[str, Any] = {"lat": lat, "lon": lon, "source": form.location_source or "manual"}
    if form.accuracy_m.strip():
        accuracy = number(form.accuracy_m)
        if accuracy is None:
            errors["location.accuracy_m"] = FormError(key="form.error.number")
        location["accuracy_m"] = accuracy
    return location


def _details(specs: list[FieldSpec], values: dict[str, Any], errors: dict[str, FormError]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    for spec in specs:
        value = values.get(spec.name)
        path = f"details.{spec.name}"
        if spec.type in ("int", "float"):
            text = (value or "").strip()
            if not text:
                continue
            parsed = whole(text) if spec.type == "int" else number(text)
            if parsed is None:
                key = "form.error.whole_number" if spec.type == "int" else "form.error.number"
                errors[path] = FormError(key=key)
            details[spec.name] = parsed
        elif spec.type == "counts":
            counts = {}
            for sub, sub_text in (value or {}).items():
                if not str(sub_text).strip():
                    continue
                count = whole(str(sub_text).strip())
                if count is None:
                    errors[f"{path}.{sub}"] = FormError(key="form.error.whole_number")
                counts[sub] = count
            if counts:
                details[spec.name] = counts
        elif spec.type == "text":
            if value and str(value).strip():
                details[spec.name] = str(value)
        elif spec.type == "ref":  # picked: {"id", "name"}; typed: free text
            if isinstance(value, dict):
                details[spec.name] = dict(value)
            elif value and str(value).strip():
                details[spec.name] = str(value)
        elif value is not None:  # bool, choice
            details[spec.name] = value
    return details


# -- record -> form -----------------------------------------------------------------------


def fill_from_record(form: ObservationForm, record: dict[str, Any]) -> None:
    """Put a stored record (a draft to edit, an amendment's prefill) on the form."""
    form.kind = record.get("kind")
    when = record.get("observed_at")
    if when:
        try:
            form.observed_at = local_time_text(when)
        except ValueError:
            form.observed_at = str(when)
    location = record.get("location") or {}
    if "lat" in location and "lon" in location:
        form.lat, form.lon = text(location["lat"]), text(location["lon"])
        form.accuracy_m = text(location.get("accuracy_m"))
        form.location_source = location.get("source") or "manual"
        form.location_mode = {"gps": "gps", "place": "place"}.get(form.location_source or "", "manual")
    form.place = record.get("place") or ""
    form.place_ref = record.get("place_ref")
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
            form.details[spec.name] = {sub: text(n) for sub, n in value.items() if n is not None}
        elif spec.type in ("bool", "choice"):
            form.details[spec.name] = value
        elif spec.type == "ref" and isinstance(value, dict):
            form.details[spec.name] = dict(value)
        else:
            form.details[spec.name] = text(value)


# -- where the model's errors go ----------------------------------------------------------


def field_for(form: ObservationForm, path: str) -> str:
    """The form field an error path is shown beside ("" = the form's own message)."""
    if path in COMMON_FIELDS:
        return path
    if path.startswith("location"):
        if form.location_mode == "mgrs":
            return "location.mgrs"
        if path in ("location.lat", "location.lon", "location.accuracy_m"):
            return path
        return "location.lat"
    if path.startswith("details."):
        parts = path.split(".")
        names = {spec.name: spec for spec in form.detail_specs()}
        spec = names.get(parts[1])
        if spec is None:
            return ""
        if spec.type == "counts" and len(parts) > 2 and parts[2] in (spec.subfields or ()):
            return f"details.{parts[1]}.{parts[2]}"
        return f"details.{parts[1]}"
    return ""


# -- reading numbers ----------------------------------------------------------------------


def text(value: Any) -> str:
    return "" if value is None else str(value)


def number(value: str) -> float | None:
    try:
        parsed = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return parsed if parsed == parsed and parsed not in (float("inf"), float("-inf")) else None


def whole(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None
