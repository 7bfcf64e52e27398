"""pydantic's errors, reworded as short field messages a form can show.

pydantic's own text ("Input should be a valid integer") never reaches a person:
every error is matched by type here, and anything unforeseen says "is not valid".
"""

from typing import Any

from pydantic import ValidationError

from .errors import FieldError
from .types import FIELDAPP_ERROR

_BY_TYPE: dict[str, str] = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "string_unicode": "must be text",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "datetime_type": "must be a date and time",
    "none_required": "must be null",
}


def message_for(error: Any) -> str:
    kind = error["type"]
    if kind == FIELDAPP_ERROR:
        return error["msg"]
    ctx = error.get("ctx") or {}
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "greater_than_equal":
        return f"must be {ctx.get('ge')} or more"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    return _BY_TYPE.get(kind, "is not valid")


def _path(prefix: str, loc: tuple[Any, ...]) -> str:
    # Union members appear in pydantic's path as type names ("function-after[...]",
    # "int", "Vehicles"); a person only cares about keys and list positions.
    parts = [prefix] if prefix else []
    parts += [str(item) for item in loc if isinstance(item, int) or _is_key(item)]
    return ".".join(parts)


def _is_key(item: Any) -> bool:
    return isinstance(item, str) and item.isidentifier()


def field_errors(exc: ValidationError, *, prefix: str = "") -> list[FieldError]:
    """One FieldError per distinct (field, message), in pydantic's order."""
    seen: dict[tuple[str, str], None] = {}
    for error in exc.errors(include_url=False, include_input=False):
        seen.setdefault((_path(prefix, error["loc"]), message_for(error)), None)
    return _drop_union_noise([FieldError(field, message) for field, message in seen])


def _drop_union_noise(errors: list[FieldError]) -> list[FieldError]:
    """For `X | None`, pydantic reports the value against each member; "must be null"
    beside a real reason only confuses, so keep it only when it is the sole complaint."""
    fields_with_reasons = {e.field for e in errors if e.message != "must be null"}
    return [e for e in errors if e.message != "must be null" or e.field not in fields_with_reasons]
