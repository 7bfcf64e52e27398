"""A location given as a place of the offline gazetteer: `"location": {"place": "Sirte"}`.

What the app's place list does for a tap, for typed input (the command line): the place is
found by its gazetteer id, or by its English or Arabic name or another name of it (case,
accents, Arabic letter forms folded, as the list's search does), and the record gets what
picking it in the app gives (`Place.observation_fields`: coordinates, source "place", the
name). Offline: the places come in as a parameter (`sync.places.load_places()`).
"""

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from fieldapp.model import FieldError
from sync.places import Place, fold

from .errors import InvalidItem

FIELD = "location.place"
SUGGESTIONS = 3


def uses_place(item: Any) -> bool:
    location = item.get("location") if isinstance(item, Mapping) else None
    return isinstance(location, Mapping) and "place" in location


def resolve_place_locations(items: Sequence[Any], places: Sequence[Place]) -> list[Any]:
    """`items` with every `location: {"place": ...}` replaced by the gazetteer's; `InvalidItem`
    (index, total, the field error) for the first that names no place or one of several."""
    resolved = []
    for index, item in enumerate(items):
        if not uses_place(item):
            resolved.append(item)
            continue
        try:
            resolved.append(_resolve(item, places))
        except _NoSuchPlace as exc:
            raise InvalidItem(index, len(items), [FieldError(FIELD, str(exc))]) from None
    return resolved


class _NoSuchPlace(Exception):
    pass


def _resolve(item: Mapping[str, Any], places: Sequence[Place]) -> dict[str, Any]:
    location = dict(item["location"])
    given = location.pop("place")
    if "lat" in location or "lon" in location or "mgrs" in location:
        raise _NoSuchPlace("give either a place or lat/lon (or MGRS), not both")
    if not isinstance(given, str) or not given.strip():
        raise _NoSuchPlace("must be a place's name or gazetteer id")
    place = find_place(places, given)
    fields = place.observation_fields()
    out = {key: value for key, value in item.items() if key != "location"}
    out["location"] = {**fields["location"], **location}  # an accuracy given in the input wins
    for key, value in fields.items():
        if key != "location" and out.get(key) is None:
            out[key] = value
    return out


def find_place(places: Sequence[Place], text: str) -> Place:
    """The one place `text` names (its id first, then its names); `_NoSuchPlace` otherwise."""
    by_id = [place for place in places if place.id == text.strip()]
    if by_id:
        return by_id[0]
    key = fold(text)
    named = [
        place for place in places if key in {fold(n) for n in (place.name, place.name_ar, *place.aliases)}
    ]
    if len(named) == 1:
        return named[0]
    if named:
        listed = ", ".join(_shown(place) for place in named[:10])
        raise _NoSuchPlace(f"several places are called {text!r}: give the id of one of {listed}")
    names = {fold(name): place for place in places for name in (place.name, *place.aliases)}
    close = difflib.get_close_matches(key, list(names), n=SUGGESTIONS, cutoff=0.6)
    suggested = dict.fromkeys(names[name] for name in close)  # one place may have several close names
    hint = f"; did you mean {', '.join(_shown(place) for place in suggested)}?" if close else ""
    raise _NoSuchPlace(f"no place called {text!r} in the offline list{hint}")


def _shown(place: Place) -> str:
    return f"{place.name} ({place.id})"
