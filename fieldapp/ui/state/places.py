"""The offline place list for the form's picker (assets/places.json via sync.places)."""

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _all_places() -> tuple[Any, ...]:
    from sync.places import load_places

    return tuple(load_places())


def find_places(query: str, *, limit: int = 8) -> list[Any]:
    """Places (`sync.places.Place`) matching what the observer typed, best first."""
    from sync.places import search_places

    return search_places(_all_places(), query, limit=limit)
