"""The observation: common fields, the kind's details, and parsing from the record format."""

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .attachments import Attachment
from .details import DETAILS_MODELS, KindDetails
from .enums import CERTAINTIES, KINDS, OBSERVED_BY
from .errors import FieldError, InvalidObservation
from .limits import ATTACHMENTS_MAX, CLOCK_SKEW, EARLIEST_OBSERVATION
from .location import Location, PlaceRef, resolve_mgrs_input
from .messages import field_errors
from .types import Description, Name, Uuid, choice, invalid

# Keys that `list --json`/`show --json` and signed bodies add to a record: accepted on input
# (so output can be fed back) and dropped, since the store, not the author, sets them.
OUTPUT_ONLY_KEYS = frozenset({"state", "recorded_at", "seq", "prev_hash", "signature", "device_id"})

RECORD_KEYS = (
    "id",
    "kind",
    "observed_at",
    "location",
    "place",
    "place_ref",
    "observed_by",
    "certainty",
    "description",
    "controlling_side",
    "amends",
    "details",
    "attachments",
)

_DATETIME_EXAMPLE = "2024-05-01T14:30:00+02:00"


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise invalid(f"must be a date and time like {_DATETIME_EXAMPLE}")


def _with_fixed_offset(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is None:
        raise invalid("must include a UTC offset, like +02:00 or Z")
    if not timedelta(hours=-12) <= offset <= timedelta(hours=14):
        raise invalid("must have a UTC offset between -12:00 and +14:00")
    if value < EARLIEST_OBSERVATION:
        raise invalid("must not be before the year 2000")
    # A fixed offset (not a named zone) is what the record keeps: the device's offset at the time.
    return value.replace(tzinfo=UTC if not offset else timezone(offset))


ObservedAt = Annotated[datetime, BeforeValidator(_parse_datetime), AfterValidator(_with_fixed_offset)]


def _unique_photos(value: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    hashes = [item.sha256 for item in value]
    if len(set(hashes)) != len(hashes):
        raise invalid("must not list the same photo twice")
    return value


Attachments = Annotated[
    tuple[Attachment, ...], Field(max_length=ATTACHMENTS_MAX), AfterValidator(_unique_photos)
]


class ObservationCommon(BaseModel):
    """The fields every kind has (validated on their own, so details errors can be added to them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Uuid
    kind: choice(KINDS)  # type: ignore[valid-type]
    observed_at: ObservedAt
    location: Location
    place: Name = None
    place_ref: PlaceRef | None = None  # set when the place was picked from the gazetteer
    observed_by: choice(OBSERVED_BY)  # type: ignore[valid-type]
    certainty: choice(CERTAINTIES)  # type: ignore[valid-type]
    description: Description
    controlling_side: Name = None
    amends: Uuid | None = None
    attachments: Attachments = ()

    @field_validator("observed_at")
    @classmethod
    def _not_in_future(cls, value: datetime, info: ValidationInfo) -> datetime:
        now = (info.context or {}).get("now")
        if now is not None and value - now > CLOCK_SKEW:
            minutes = int(CLOCK_SKEW / timedelta(minutes=1))
            raise invalid(f"must not be more than {minutes} minutes after this device's clock")
        return value


class Observation(ObservationCommon):
    """A valid observation. Make one with `parse_observation`; write one out with `to_record`."""

    details: SerializeAsAny[KindDetails]

    @model_validator(mode="after")
    def _details_match_kind(self) -> "Observation":
        if self.details.kind != self.kind:
            raise ValueError(f"details are for {self.details.kind!r}, not {self.kind!r}")
        return self

    def to_record(self) -> dict[str, Any]:
        """The record format as a JSON-compatible dict: every key present, null where unknown."""
        return {
            "id": self.id,
            "kind": self.kind,
            "observed_at": self.observed_at.isoformat(),
            "location": self.location.to_record(),
            "place": self.place,
            "place_ref": self.place_ref.to_record() if self.place_ref is not None else None,
            "observed_by": self.observed_by,
            "certainty": self.certainty,
            "description": self.description,
            "controlling_side": self.controlling_side,
            "amends": self.amends,
            "details": self.details.to_record(),
            "attachments": [item.to_record() for item in self.attachments],
        }


def parse_observation(data: Mapping[str, Any], *, now: datetime, record_id: str | None = None) -> Observation:
    """Validate one record-format object; raise InvalidObservation listing every problem.

    `id` comes from the data, else `record_id`, else a new UUID. `now` (timezone-aware) is
    the device's clock, against which `observed_at` may run ahead by at most CLOCK_SKEW.
    """
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(data, Mapping):
        raise InvalidObservation([FieldError("", "an observation must be a JSON object")])

    common = {key: value for key, value in data.items() if key not in OUTPUT_ONLY_KEYS}
    if common.get("id") is None:
        common["id"] = record_id if record_id is not None else str(uuid.uuid4())
    raw_details = common.pop("details", None)
    errors: list[FieldError] = []
    if "location" in common:
        common["location"], errors = resolve_mgrs_input(common["location"])
        if errors:
            common["location"] = {"lat": 0.0, "lon": 0.0}  # stand-in: its errors are already listed

    parsed: ObservationCommon | None = None
    try:
        parsed = ObservationCommon.model_validate(common, context={"now": now})
    except ValidationError as exc:
        errors += field_errors(exc)

    details, details_errors = _parse_details(common.get("kind"), raw_details)
    errors += details_errors
    if parsed is not None:
        errors += _cross_checks(parsed)
    if errors or parsed is None or details is None:
        raise InvalidObservation(sorted(errors, key=_record_order))
    return Observation(**dict(parsed), details=details)


def _parse_details(kind: Any, raw: Any) -> tuple[KindDetails | None, list[FieldError]]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        return None, [FieldError("details", "must be an object")]
    model = DETAILS_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return None, []  # the kind's own error says why
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        return None, field_errors(exc, prefix="details")


def _cross_checks(parsed: ObservationCommon) -> list[FieldError]:
    errors = []
    if parsed.amends == parsed.id:
        errors.append(FieldError("amends", "must name an earlier record, not this one"))
    if parsed.location.source == "place" and parsed.place is None:
        errors.append(FieldError("place", "is required when the location was picked from the place list"))
    return errors


def _record_order(error: FieldError) -> int:
    top = error.field.split(".", 1)[0]
    return RECORD_KEYS.index(top) if top in RECORD_KEYS else len(RECORD_KEYS)
