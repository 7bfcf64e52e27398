"""The offline place list for the form's picker (assets/places.json via sync.places)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.places import Place


@lru_cache(maxsize=1)
def _all_places() -> tuple[Place, ...]:
    from sync.places import load_places

    return tuple(load_places())


def find_places(query: str, *, limit: int = 8) -> list[Place]:
    """Places matching what the observer typed, best first."""
    from sync.places import search_places

    return search_places(_all_places(), query, limit=limit)
