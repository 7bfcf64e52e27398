"""Field types with the project's rules and messages built in.

Every check raises a `PydanticCustomError` of type "fieldapp" whose text is the
message a person sees; `messages.py` turns pydantic's own errors (wrong JSON type,
missing, unknown key) into the same short style.
"""

import math
import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Strict, StrictInt, StrictStr
from pydantic_core import PydanticCustomError

from sync.wire import RECORD_ID_PATTERN

from .limits import COUNT_MAX, DESCRIPTION_MAX, NAME_MAX

FIELDAPP_ERROR = "fieldapp"


def invalid(message: str) -> PydanticCustomError:
    """An error whose text is shown to the user as is."""
    return PydanticCustomError(FIELDAPP_ERROR, message)


def _number(value: float | int) -> str:
    """Bounds as people write them: 90, not 90.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def at_least(low: float, high: float) -> Callable[[Any], Any]:
    """A check that a number lies in [low, high], worded for counts ("must be 0 or more")."""

    def check(value: float) -> float:
        if isinstance(value, float) and not math.isfinite(value):
            raise invalid("must be a finite number")
        if value < low:
            raise invalid(f"must be {_number(low)} or more")
        if value > high:
            raise invalid(f"must be at most {_number(high)}")
        return value

    return check


def between(low: float, high: float) -> Callable[[float], float]:
    """A check that a number lies in [low, high], worded as a range."""

    def check(value: float) -> float:
        if not math.isfinite(value) or not low <= value <= high:
            raise invalid(f"must be between {_number(low)} and {_number(high)}")
        return value

    return check


def rounded(decimals: int) -> Callable[[float], float]:
    """Keep a fixed number of decimals so a record encodes the same way every time."""

    def keep(value: float) -> float:
        return round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0

    return keep


def one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    """A check that a value is one of a fixed vocabulary, listing it in the message."""

    allowed = frozenset(choices)
    message = "must be one of: " + ", ".join(choices)

    def check(value: str) -> str:
        if value not in allowed:
            raise invalid(message)
        return value

    return check


def at_most_chars(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > limit:
            raise invalid(f"must be at most {limit} characters")
        return check_characters(value)

    return check


# Lone surrogates can't be encoded as UTF-8 (canonical JSON refuses them at finalize time), and
# control characters other than tab and newlines have no place in a report: refuse both up front.
_BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def check_characters(value: str) -> str:
    if _BAD_CHARACTERS.search(value):
        raise invalid("must not contain control characters or broken Unicode")
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value: Any) -> Any:
    """An empty form field means "not known", the same as null."""
    if isinstance(value, str) and not value.strip():
        return None
    return _strip(value)


_UUID_FORM = re.compile(RECORD_ID_PATTERN)


def check_uuid(value: str) -> str:
    if not _UUID_FORM.match(value):
        raise invalid("must be a UUID in lower-case form, like 0b7e7a53-1f0c-4f6e-9a43-2d1f5b1c9e10")
    return str(uuid.UUID(value))


def choice(choices: tuple[str, ...]) -> Any:
    """A string from a fixed vocabulary."""
    return Annotated[StrictStr, AfterValidator(one_of(choices))]


def optional_text(limit: int) -> Any:
    """Optional short text: trimmed, blank means null, at most `limit` characters."""
    return Annotated[StrictStr | None, BeforeValidator(_blank_to_none), AfterValidator(_max_or_none(limit))]


def _max_or_none(limit: int) -> Callable[[str | None], str | None]:
    check = at_most_chars(limit)

    def maybe(value: str | None) -> str | None:
        return None if value is None else check(value)

    return maybe


Count = Annotated[StrictInt, AfterValidator(at_least(0, COUNT_MAX))]
Name = optional_text(NAME_MAX)
Description = Annotated[StrictStr, BeforeValidator(_strip), AfterValidator(at_most_chars(DESCRIPTION_MAX))]
Uuid = Annotated[StrictStr, AfterValidator(check_uuid)]
StrictFloat = Annotated[float, Strict()]  # accepts JSON integers too, never booleans or strings
