"""A record named by the start of its id, as git takes a commit's (`fieldapp show abcd12`).

At least MIN_PREFIX characters, so a slip of one key can't pick a record; a prefix several
records share is refused with the ones it could mean.
"""

import re
from typing import Any

from fieldapp.errors import FieldAppError
from fieldapp.store import UnknownRecord

MIN_PREFIX = 4
SHOWN = 10
FULL_ID = 36
_ID_CHARS = re.compile(r"[0-9a-f-]+")


class AmbiguousId(FieldAppError):
    """That id prefix names several observations: give more of the id."""


class BadId(FieldAppError):
    """That is not an observation id or the start of one."""


def resolve_record_id(device: Any, text: str) -> str:
    """The one stored id that is `text` or starts with it (case ignored)."""
    prefix = text.strip().lower()
    if not _ID_CHARS.fullmatch(prefix):
        raise BadId(f"{text!r} is not an observation id (hex digits and dashes, as `fieldapp list` shows)")
    if len(prefix) < MIN_PREFIX:
        raise BadId(f"give at least {MIN_PREFIX} characters of the id, not {text!r}")
    found = device.ids_with_prefix(prefix, limit=SHOWN + 1)
    if not found:
        named = f"id {prefix}" if len(prefix) == FULL_ID else f"an id starting {prefix}"
        raise UnknownRecord(f"no observation with {named} on this device")
    if len(found) > 1:
        more = " and more" if len(found) > SHOWN else ""
        raise AmbiguousId(
            f"the id prefix {prefix} is ambiguous: it starts {', '.join(found[:SHOWN])}{more}; "
            "give more of the id"
        )
    return str(found[0])
