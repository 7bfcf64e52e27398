"""Each kind's own fields (`details`): one table of FieldSpecs, from which both the
pydantic models that validate them and `describe_kind` (what the form shows) are made,
so the two can't disagree.
"""

import re
from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictBool, create_model

from sync.registers import ENTRY_ID_PATTERN

from . import enums
from .errors import FieldError, InvalidObservation
from .fields import FieldSpec
from .limits import CALIBRE_DECIMALS, CALIBRE_MM_MAX, COUNT_MAX, NAME_MAX, NOTE_MAX
from .types import Count, StrictFloat, at_most_chars, choice, invalid, optional_text, rounded


def _text(name: str, limit: int = NAME_MAX) -> FieldSpec:
    return FieldSpec(name, "text", max_length=limit)


def _ref(name: str, register: str) -> FieldSpec:
    return FieldSpec(name, "ref", max_length=NAME_MAX, register=register)


def _int(name: str) -> FieldSpec:
    return FieldSpec(name, "int", maximum=COUNT_MAX)


def _choice(name: str, choices: tuple[str, ...], *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, "choice", choices=choices, required=required)


def _counts(name: str, subfields: tuple[str, ...]) -> FieldSpec:
    return FieldSpec(name, "counts", subfields=subfields, maximum=COUNT_MAX)


DETAIL_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "unit_movement": (
        _ref("unit", "units"),
        _int("personnel"),
        _counts("vehicles", enums.VEHICLE_TYPES),
        _choice("heading", enums.HEADINGS),
        _text("from_place"),
        _text("to_place"),
        _ref("destination_camp", "camps"),
    ),
    "withdrawal": (
        _ref("unit", "units"),
        _ref("camp", "camps"),
        _choice("completeness", enums.COMPLETENESS),
    ),
    "foreign_fighters": (
        _choice("activity", enums.FIGHTER_ACTIVITIES),
        _int("estimated_number"),
        _text("nationality"),
        _choice("means", enums.MEANS),
        _ref("crossing_point", "crossings"),
    ),
    "violation": (
        # A violation report means nothing without what happened.
        _choice("type", enums.VIOLATION_TYPES, required=True),
        _int("count"),
        _choice("direction", enums.HEADINGS),
        _choice("range_band", enums.RANGE_BANDS),
        _text("weapon"),
        _counts("casualties", enums.CASUALTY_TYPES),
        _text("damage", NOTE_MAX),
    ),
    "heavy_weapons": (
        _text("system"),
        FieldSpec("calibre_mm", "float", maximum=CALIBRE_MM_MAX),
        _int("count"),
        FieldSpec("firing_position", "bool"),
        _choice("relation", enums.WEAPON_RELATIONS),
        _ref("storage_site", "storage_sites"),
    ),
    "movement_restriction": (
        _choice("restriction", enums.RESTRICTIONS),
        _text("by_whom"),
        _text("reason_given", NOTE_MAX),
    ),
    "other": (),
}
assert tuple(DETAIL_FIELDS) == enums.KINDS


class KindDetails(BaseModel):
    """Base of every kind's details model; `kind` names the kind it belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: ClassVar[str] = ""

    def to_record(self) -> dict[str, Any]:
        """Every field of the kind, null where unknown."""
        return self.model_dump()


_ENTRY_ID = re.compile(ENTRY_ID_PATTERN)


def _ref_or_text(limit: int) -> Callable[[Any], Any]:
    """A register entry as a record names it — `{"id": ..., "name": ...}`, the id and the name
    shown when it was picked (a later rename never rewrites what was signed) — or free text
    for what the register lacks. One message per field, whichever form is wrong."""
    text = at_most_chars(limit)

    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = value.strip()
            return text(value) if value else None
        if not isinstance(value, dict):
            raise invalid("must be text or a register entry")
        if set(value) != {"id", "name"}:
            raise invalid("a register entry has exactly an id and a name")
        entry_id, name = value["id"], value["name"]
        if not isinstance(entry_id, str) or not _ENTRY_ID.match(entry_id):
            raise invalid("a register entry's id is letters, digits and - _ . : (at most 64)")
        if not isinstance(name, str) or not name.strip():
            raise invalid("a register entry needs the name shown")
        return {"id": entry_id, "name": text(name.strip())}

    return check


class Counts(BaseModel):
    """Base of the per-type count objects (vehicles, casualties)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _positive_calibre(value: float) -> float:
    if value != value or not 0 < value <= CALIBRE_MM_MAX:
        raise invalid(f"must be more than 0 and at most {int(CALIBRE_MM_MAX)}")
    return value


def _none_if_empty(value: Counts | None) -> Counts | None:
    """{} and all-null counts carry nothing: store them as null, so equal reports encode equally."""
    if value is not None and all(item is None for item in value.model_dump().values()):
        return None
    return value


def _counts_model(spec: FieldSpec) -> type[Counts]:
    assert spec.subfields
    fields: dict[str, Any] = {sub: (Count | None, None) for sub in spec.subfields}
    return create_model(spec.name.title(), __base__=Counts, **fields)


def _annotation(spec: FieldSpec) -> Any:
    if spec.type == "text":
        return optional_text(spec.max_length or NAME_MAX)
    if spec.type == "int":
        return Count | None
    if spec.type == "float":
        # Rounded before the check, so a value that passes still passes when read back.
        rounded_first = AfterValidator(rounded(CALIBRE_DECIMALS))
        return Annotated[StrictFloat, rounded_first, AfterValidator(_positive_calibre)] | None
    if spec.type == "bool":
        return StrictBool | None
    if spec.type == "choice":
        assert spec.choices
        return choice(spec.choices) if spec.required else choice(spec.choices) | None
    if spec.type == "counts":
        return Annotated[_counts_model(spec) | None, AfterValidator(_none_if_empty)]
    if spec.type == "ref":
        return Annotated[Any, AfterValidator(_ref_or_text(spec.max_length or NAME_MAX))]
    raise AssertionError(f"unknown field type {spec.type}")


def _details_model(kind: str, specs: tuple[FieldSpec, ...]) -> type[KindDetails]:
    fields: dict[str, Any] = {
        spec.name: (_annotation(spec), ...) if spec.required else (_annotation(spec), None) for spec in specs
    }
    name = "".join(part.title() for part in kind.split("_")) + "Details"
    model = create_model(name, __base__=KindDetails, **fields)
    model.kind = kind
    return model


DETAILS_MODELS: dict[str, type[KindDetails]] = {
    kind: _details_model(kind, specs) for kind, specs in DETAIL_FIELDS.items()
}


def describe_kind(kind: str) -> list[FieldSpec]:
    """The detail fields of one kind, in the order a form shows them."""
    try:
        return list(DETAIL_FIELDS[kind])
    except (KeyError, TypeError):
        raise InvalidObservation([FieldError("kind", "must be one of: " + ", ".join(enums.KINDS))]) from None
