"""A signed record as a verifier reads it: the kind's fields in the order the observer's form
asks them, with the labels and choice names the observer saw ("3–5 km", "Shelling", "Heard it").

The labels are the observer app's own English catalogue (assets/i18n/en.json, shared through
`sync.assets`), so the console and the phone call a field and a choice by the same name. The
server imports `sync` only (docs/ARCHITECTURE.md), so the form's field order is named here:
`KIND_FIELDS` lists each kind's fields as fieldapp/model/details.py's DETAIL_FIELDS does, and
tests/console/test_report_reading.py fails the moment the two differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sync.assets import ASSETS_DIR
from sync.places import place_label

from .text import label

# Each kind's `details`, in the form's order (kept equal to DETAIL_FIELDS by a test).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "unit_movement": (
        "unit",
        "personnel",
        "vehicles",
        "heading",
        "from_place",
        "to_place",
        "destination_camp",
    ),
    "withdrawal": ("unit", "camp", "completeness"),
    "foreign_fighters": ("activity", "estimated_number", "nationality", "means", "crossing_point"),
    "violation": ("type", "count", "direction", "range_band", "weapon", "casualties", "damage"),
    "heavy_weapons": ("system", "calibre_mm", "count", "firing_position", "relation", "storage_site"),
    "movement_restriction": ("restriction", "by_whom", "reason_given"),
    "other": (),
}
# Fields every kind has, in the order a report is read after kind, time and place.
OBSERVATION_FIELDS = ("observed_by", "certainty", "description", "controlling_side")
NOTHING = "—"


@cache
def catalogue() -> dict[str, str]:
    """The observer app's English strings (read once per process)."""
    with (ASSETS_DIR / "i18n" / "en.json").open(encoding="utf-8") as handle:
        strings: dict[str, str] = json.load(handle)
    return strings


def kind_label(kind: str | None) -> str:
    """ "Ceasefire violation", as the observer picked it."""
    return catalogue().get(f"kind.{kind}") or label(kind).capitalize() or "Report"


def field_label(name: str) -> str:
    """ "How observed", "Range": the form's label (its "(if known)" prompt dropped)."""
    text = catalogue().get(f"field.{name}") or label(name).capitalize()
    return text.removesuffix(" (if known)")


def choice_text(field: str, value: Any) -> str:
    """A vocabulary value as the form showed it; anything else as written."""
    if isinstance(value, str):
        return catalogue().get(f"choice.{field}.{value}", value)
    return value_text(value)


def value_text(value: Any) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return catalogue().get("choice.yes_no.yes" if value else "choice.yes_no.no", str(value))
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value)


def detail_text(name: str, value: Any) -> str:
    """One detail field's value: a choice by its label, counts as "Technical 6, APC 2", a
    register entry by its name and id, yes/no, numbers as written."""
    if isinstance(value, dict) and set(value) == {"id", "name"}:
        return f"{value_text(value['name'])} (register id {value_text(value['id'])})"
    if isinstance(value, dict):
        counted = [
            f"{choice_text(name, key)} {value_text(count)}"
            for key, count in value.items()
            if count is not None
        ]
        return ", ".join(counted) or NOTHING
    if isinstance(value, list):
        return ", ".join(detail_text(name, item) for item in value) or NOTHING
    return choice_text(name, value)


@dataclass(frozen=True)
class Line:
    """One line of the observation: the field's name, its label and what it says."""

    name: str
    label: str
    text: str


def detail_lines(record: dict[str, Any]) -> list[Line]:
    """The kind's details in the form's order; fields this console doesn't know (a newer app)
    follow, so nothing signed is hidden."""
    details = record.get("details")
    if not isinstance(details, dict):
        return []
    order = KIND_FIELDS.get(str(record.get("kind")), ())
    names = [name for name in order if name in details] + [name for name in details if name not in order]
    return [Line(name, field_label(name), detail_text(name, details[name])) for name in names]


def observation_lines(record: dict[str, Any]) -> list[Line]:
    """How observed, certainty, description, controlling side: labelled as on the form."""
    return [
        Line(name, field_label(name), choice_text(name, record.get(name)))
        for name in OBSERVATION_FIELDS
        if name != "controlling_side" or record.get(name)
    ]


def place_text(record: dict[str, Any]) -> str | None:
    return place_label(record)


def source_text(location: dict[str, Any]) -> str | None:
    """ "from GPS", "typed in", "from the place list"."""
    source = location.get("source")
    return catalogue().get(f"detail.source.{source}", str(source)) if source else None


def when_text(value: Any) -> tuple[str, str | None]:
    """(local time with its offset, the same instant in UTC) of a record's ISO time:
    ("2026-03-02 11:00 (UTC+02:00)", "2026-03-02 09:00 UTC"); as written if it isn't one."""
    if not isinstance(value, str) or not value:
        return NOTHING, None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value, None
    offset = moment.utcoffset()
    if offset is None:
        return moment.strftime("%Y-%m-%d %H:%M (no offset recorded)"), None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    zone = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    utc = (moment - offset).replace(tzinfo=None)
    return f"{moment.strftime('%Y-%m-%d %H:%M')} ({zone})", utc.strftime("%Y-%m-%d %H:%M UTC")


def transition_text(event: dict[str, Any]) -> str:
    """An audit event's change in words ("verified (was received)"): no arrow glyph, which the
    console's font lacks."""
    to_state, from_state = label(event.get("to_state")), label(event.get("from_state"))
    return f"{to_state} (was {from_state})" if from_state else to_state
