"""The offline place list for the form's picker (assets/places.json via sync.places)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.ui.state.observation_form import ObservationForm
    from sync.places import Place

NEAREST_OFFERED = 5


@lru_cache(maxsize=1)
def _all_places() -> tuple[Place, ...]:
    from sync.places import load_places

    return tuple(load_places())


def find_places(query: str, *, limit: int = 8) -> list[Place]:
    """Places matching what the observer typed, best first."""
    from sync.places import search_places

    return search_places(_all_places(), query, limit=limit)


def offered_places(form: ObservationForm, query: str, *, limit: int = 8) -> list[Place]:
    """What the picker lists: matches for what was typed, or, before anything is typed, the
    places nearest the form's point (a GPS fix or coordinates), closest first."""
    if query.strip():
        return find_places(query, limit=limit)
    try:
        lat, lon = float(form.lat), float(form.lon)
    except ValueError:
        return []
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return []
    from sync.places import nearest_places

    return nearest_places(_all_places(), lat, lon, limit=min(limit, NEAREST_OFFERED))


def place_text(record: Mapping[str, Any], language: str) -> str | None:
    """A record's place for the reader's language: "Sirte (سرت)" / "سرت (Sirte)" when it came
    from the gazetteer, else the name as typed (sync.places.place_label)."""
    from sync.places import place_label

    return place_label(record, language=language)
