"""The observation model: the record format's kinds and fields, and their validation.

`parse_observation` turns a record-format object into an `Observation` or raises
`InvalidObservation`, whose `errors` name each field ("details.count") and the reason
in words a form can show beside it. `describe_kind` tells a form which detail fields
a kind has.
"""

from .attachments import Attachment
from .details import DETAIL_FIELDS, KindDetails, describe_kind
from .enums import (
    ATTACHMENT_MIME_TYPES,
    CERTAINTIES,
    HEADINGS,
    KINDS,
    LOCATION_SOURCES,
    OBSERVED_BY,
    RANGE_BANDS,
)
from .errors import FieldError, InvalidObservation
from .fields import FieldSpec
from .limits import CLOCK_SKEW
from .location import Location
from .mgrs import from_mgrs, to_mgrs
from .observation import OUTPUT_ONLY_KEYS, Observation, draft_record, parse_observation

__all__ = [
    "ATTACHMENT_MIME_TYPES",
    "CERTAINTIES",
    "CLOCK_SKEW",
    "DETAIL_FIELDS",
    "HEADINGS",
    "KINDS",
    "LOCATION_SOURCES",
    "OBSERVED_BY",
    "OUTPUT_ONLY_KEYS",
    "RANGE_BANDS",
    "Attachment",
    "FieldError",
    "FieldSpec",
    "InvalidObservation",
    "KindDetails",
    "Location",
    "Observation",
    "describe_kind",
    "draft_record",
    "from_mgrs",
    "parse_observation",
    "to_mgrs",
]
