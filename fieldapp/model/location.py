"""Where an observation was made: WGS84 coordinates, their accuracy and how they were obtained."""

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictStr

from .enums import LOCATION_SOURCES
from .errors import FieldError, InvalidObservation
from .limits import ACCURACY_M_MAX, LATLON_DECIMALS, METRE_DECIMALS, NAME_MAX, PLACE_ID_MAX
from .mgrs import MGRS_FIELD, from_mgrs, to_mgrs
from .types import StrictFloat, at_least, at_most_chars, between, choice, invalid, optional_text, rounded

# Rounded before the range check, so a value that passes still passes when read back.
Latitude = Annotated[StrictFloat, AfterValidator(rounded(LATLON_DECIMALS)), AfterValidator(between(-90, 90))]
Longitude = Annotated[
    StrictFloat, AfterValidator(rounded(LATLON_DECIMALS)), AfterValidator(between(-180, 180))
]
AccuracyMetres = Annotated[
    StrictFloat, AfterValidator(rounded(METRE_DECIMALS)), AfterValidator(at_least(0, ACCURACY_M_MAX))
]


class Location(BaseModel):
    """A point as recorded: `source` is gps, manual (typed or MGRS) or place (picked from the list)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lat: Latitude
    lon: Longitude
    accuracy_m: AccuracyMetres | None = None
    source: choice(LOCATION_SOURCES) = "manual"  # type: ignore[valid-type]

    @property
    def mgrs(self) -> str:
        """The point as an MGRS reference (1 m), as monitors read and radio it."""
        return to_mgrs(self.lat, self.lon)

    def to_record(self) -> dict[str, Any]:
        return {"lat": self.lat, "lon": self.lon, "accuracy_m": self.accuracy_m, "source": self.source}


def _not_blank(value: str) -> str:
    if not value.strip():
        raise invalid("must not be empty")
    return value


PlaceId = Annotated[StrictStr, AfterValidator(_not_blank), AfterValidator(at_most_chars(PLACE_ID_MAX))]
PlaceName = Annotated[StrictStr, AfterValidator(_not_blank), AfterValidator(at_most_chars(NAME_MAX))]


class PlaceRef(BaseModel):
    """A place picked from the gazetteer: its id and both its names as the list had them, so a
    verifier reads it in either language and a later rename of the list rewrites nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: PlaceId
    en: PlaceName
    ar: optional_text(NAME_MAX) = None  # type: ignore[valid-type]

    def to_record(self) -> dict[str, Any]:
        return {"id": self.id, "en": self.en, "ar": self.ar}


def resolve_mgrs_input(value: Any) -> tuple[Any, list[FieldError]]:
    """Turn an input location given as {"mgrs": "..."} into lat/lon; anything else passes through.

    Returns the location to validate and the errors found in the MGRS text.
    """
    if not isinstance(value, Mapping) or "mgrs" not in value:
        return value, []
    if "lat" in value or "lon" in value:
        return value, [FieldError(MGRS_FIELD, "give either lat/lon or an MGRS reference, not both")]
    try:
        lat, lon = from_mgrs(value["mgrs"])
    except InvalidObservation as exc:
        return value, exc.errors
    resolved = {key: item for key, item in value.items() if key != "mgrs"}
    resolved.update(lat=lat, lon=lon)
    resolved.setdefault("source", "manual")
    return resolved, []
