"""The offline place list (gazetteer): towns, air bases, ports, oil terminals and border
crossings that ceasefire reports name, with English and Arabic names.

Shared by both ends: the device's place picker searches it, and the server can tell a
report's position from the nearest place ("12 km NE of Sirte", `describe`). Two files in
assets/ (`sync.assets`): places.json, the curated list kept by hand (towns the mission names,
air bases, ports, oil terminals and fields, crossings), and places-geonames.json, Libya's
populated places derived from GeoNames by assets/geo/build_places.py (source and licence in
the file). A place's `source` says which one it came from.
"""

import heapq
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import geo
from .assets import ASSETS_DIR
from .errors import SyncError

PLACE_TYPES = (
    "town",
    "airport",
    "air_base",
    "port",
    "oil_terminal",
    "border_crossing",
    "oil_field",
    "military_base",
)
APPROX_ACCURACY_M = 10_000.0  # what "approx" in the file means
# Farther than this from every place, a position is told by its coordinates alone.
DESCRIBE_WITHIN_KM = 100.0
PLACE_SOURCES = ("curated", "geonames")


class PlaceListError(SyncError):
    """The offline place list could not be read."""


@dataclass(frozen=True)
class Place:
    """One named place. `approx` places are known only to within about 10 km."""

    id: str
    name: str
    name_ar: str
    type: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()
    approx: bool = False
    source: str = "curated"

    def label(self, language: str) -> str:
        """The name in the app's language (the record stores what the observer picked)."""
        return self.name_ar if language == "ar" and self.name_ar else self.name

    def ref(self) -> dict[str, Any]:
        """The record's `place_ref`: the gazetteer id and both names."""
        return {"id": self.id, "en": self.name, "ar": self.name_ar or None}

    def observation_fields(self, language: str = "en") -> dict[str, Any]:
        """What picking this place puts into an observation: its location, its name as the
        observer saw it, and its id with both names."""
        return {
            "location": {
                "lat": self.lat,
                "lon": self.lon,
                "accuracy_m": APPROX_ACCURACY_M if self.approx else None,
                "source": "place",
            },
            "place": self.label(language),
            "place_ref": self.ref(),
        }


def place_label(record: Mapping[str, Any], *, language: str = "en") -> str | None:
    """A record's place for a reader: "Sirte (سرت)" when it was picked from the gazetteer (the
    reader's language first), else the name as typed; None when there is none."""
    ref = record.get("place_ref")
    if isinstance(ref, dict) and ref.get("en"):
        first, second = (ref.get("ar"), ref["en"]) if language == "ar" and ref.get("ar") else (ref["en"], ref.get("ar"))
        return f"{first} ({second})" if second and second != first else str(first)
    place = record.get("place")
    return str(place) if place else None


def default_places_path() -> Path:
    return ASSETS_DIR / "places.json"


def derived_places_path() -> Path:
    return ASSETS_DIR / "places-geonames.json"


def load_places(path: Path | str | None = None) -> list[Place]:
    """Read the place list (by default the curated one and the GeoNames-derived one, curated
    first); raise PlaceListError (one clear line) if a file is missing or malformed."""
    if path is None:
        return _load(default_places_path(), "curated") + _load(derived_places_path(), "geonames")
    return _load(Path(path), "curated")


def _load(source: Path, origin: str) -> list[Place]:
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlaceListError(f"the place list {source} could not be read") from exc
    except ValueError as exc:
        raise PlaceListError(f"the place list {source} is not valid JSON") from exc
    entries = data.get("places") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise PlaceListError(f"the place list {source} holds no list of places")
    return [_place(entry, index, source, origin) for index, entry in enumerate(entries)]


def _place(entry: Any, index: int, source: Path, origin: str) -> Place:
    try:
        place = Place(
            id=str(entry["id"]),
            name=str(entry["name"]),
            name_ar=str(entry["name_ar"]),
            type=str(entry["type"]),
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            aliases=tuple(str(alias) for alias in entry.get("aliases", ())),
            approx=bool(entry.get("approx", False)),
            source=origin,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PlaceListError(f"entry {index + 1} of the place list {source} is malformed") from exc
    if place.type not in PLACE_TYPES or not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
        raise PlaceListError(f"entry {index + 1} of the place list {source} is malformed")
    return place


# Arabic is typed with or without vowel marks and with several forms of alef, ta marbuta
# and final ya; English with or without "al-", accents and hyphens. Fold them all alike.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_SEPARATORS = re.compile(r"[\s\-_'’`.,()/]+")


def fold(text: str) -> str:
    """A search key: case, accents, Arabic marks and letter variants and punctuation folded away."""
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def _rank(place: Place, query: str) -> int | None:
    """0: its name starts with the query, 1: another name of it does, 2: a word in a name
    does, 3: a name contains it; None: no match."""
    primary = (fold(place.name), fold(place.name_ar))
    others = tuple(fold(alias) for alias in place.aliases)
    if any(key.startswith(query) for key in primary):
        return 0
    if any(key.startswith(query) for key in others):
        return 1
    keys = primary + others
    if any(word.startswith(query) for key in keys for word in key.split(" ")):
        return 2
    if any(query in key for key in keys):
        return 3
    return None


def search_places(places: Sequence[Place], text: str, limit: int = 10) -> list[Place]:
    """Places whose English, Arabic or other names match `text`: prefix matches first (own name
    before alias), then a word of a name, then anywhere in one; alphabetical within each group."""
    query = fold(text)
    if not query or limit <= 0:
        return []
    ranked = []
    for place in places:
        rank = _rank(place, query)
        if rank is not None:
            ranked.append((rank, place.name.casefold(), place))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [place for _, _, place in ranked[:limit]]


def nearest_place(
    places: Sequence[Place], lat: float, lon: float, *, max_km: float | None = None
) -> Place | None:
    """The place closest to a point (geodesic), or None if there is none (within `max_km`, when given)."""
    found = geo.nearest(places, lat, lon, position=lambda place: (place.lat, place.lon), max_km=max_km)
    return found[0] if found is not None else None


def nearest_places(places: Sequence[Place], lat: float, lon: float, *, limit: int = 5) -> list[Place]:
    """The `limit` places closest to a point (geodesic), closest first: what the picker offers
    for the current fix before anything is typed."""
    if limit <= 0:
        return []
    cos_lat = math.cos(math.radians(lat))

    def estimate(place: Place) -> float:
        return (place.lat - lat) ** 2 + (((place.lon - lon + 180.0) % 360.0 - 180.0) * cos_lat) ** 2

    # The flat estimate orders nearby points well; a few spare ones absorb its error before
    # the geodesic distance decides.
    shortlist = heapq.nsmallest(limit + 8, places, key=estimate)
    return sorted(shortlist, key=lambda place: geo.distance_km(lat, lon, place.lat, place.lon))[:limit]


def describe(
    places: Sequence[Place],
    lat: float,
    lon: float,
    *,
    max_km: float = DESCRIBE_WITHIN_KM,
    language: str = "en",
) -> geo.Relative | None:
    """The point told from the nearest place: `.text()` is "12 km NE of Sirte"; None if none is near."""
    found = nearest_place(places, lat, lon, max_km=max_km)
    if found is None:
        return None
    return geo.relative_to(found.label(language), found.lat, found.lon, lat, lon)
