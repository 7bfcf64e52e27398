"""An amendment from its original and the changes to it (`fieldapp amend ID --json ...`).

`Unlocked.start_amendment` gives the prefill (the original's fields, `amends` = its id); the
changes are one record-format object over it. Keys replace the original's, except `details`,
which is changed key by key (a correction of one count keeps the other details; a key set to
null clears it). A change of `kind` is a reclassification: the original's details belonged to
its kind, so only the changes' details are kept.
"""

from collections.abc import Mapping
from typing import Any

from fieldapp.errors import FieldAppError

# What an amendment can't change: who it amends, and what the device assigns.
FIXED = ("id", "amends", "state", "recorded_at", "seq", "prev_hash", "signature", "device_id")


class BadAmendment(FieldAppError):
    """The changes must be one JSON object of record-format keys."""


def amended(prefill: Mapping[str, Any], changes: Any) -> dict[str, Any]:
    """The amendment's record: `prefill` with `changes` applied (see the module's docstring)."""
    if not isinstance(changes, Mapping):
        raise BadAmendment("the changes must be one JSON object (the keys to change), not a list")
    fixed = [key for key in FIXED if key in changes]
    if fixed:
        raise BadAmendment(f"an amendment can't set {', '.join(fixed)}: the device assigns them")
    record = dict(prefill)
    new_kind = "kind" in changes and changes["kind"] != prefill.get("kind")
    for key, value in changes.items():
        if key == "details" and isinstance(value, Mapping) and not new_kind:
            record["details"] = {**(record.get("details") or {}), **value}
        else:
            record[key] = value
    if new_kind and "details" not in changes:
        record["details"] = {}
    return record
