"""The offline place list (gazetteer): towns, air bases, ports, oil terminals and border
crossings that ceasefire reports name, with English and Arabic names.

Loaded from assets/places.json, which sits at the app root both in a source checkout
(editable install) and in a `flet build` bundle (assets/ beside main.py).
"""

import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldapp.errors import FieldAppError

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
_EARTH_RADIUS_KM = 6371.0088


class PlaceListError(FieldAppError):
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

    def label(self, language: str) -> str:
        """The name in the app's language (the record stores what the observer picked)."""
        return self.name_ar if language == "ar" and self.name_ar else self.name

    def observation_fields(self) -> dict[str, Any]:
        """What picking this place puts into an observation: its location and its name."""
        return {
            "location": {
                "lat": self.lat,
                "lon": self.lon,
                "accuracy_m": APPROX_ACCURACY_M if self.approx else None,
                "source": "place",
            },
            "place": self.name,
        }


def default_places_path() -> Path:
    # fieldapp/places.py -> the app root, where assets/ lives in a checkout and in a Flet bundle.
    return Path(__file__).resolve().parent.parent / "assets" / "places.json"


def load_places(path: Path | str | None = None) -> list[Place]:
    """Read the place list; raise PlaceListError (one clear line) if it is missing or malformed."""
    source = Path(path) if path is not None else default_places_path()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlaceListError(f"the place list {source} could not be read") from exc
    except ValueError as exc:
        raise PlaceListError(f"the place list {source} is not valid JSON") from exc
    entries = data.get("places") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise PlaceListError(f"the place list {source} holds no list of places")
    return [_place(entry, index, source) for index, entry in enumerate(entries)]


def _place(entry: Any, index: int, source: Path) -> Place:
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


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine; within 0.5% of the ellipsoid, plenty for "nearest")."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest_place(
    places: Sequence[Place], lat: float, lon: float, *, max_km: float | None = None
) -> Place | None:
    """The place closest to a point, or None if there is none (within `max_km`, when given)."""
    best: tuple[float, Place] | None = None
    for place in places:
        km = distance_km(lat, lon, place.lat, place.lon)
        if best is None or km < best[0]:
            best = (km, place)
    if best is None or (max_km is not None and best[0] > max_km):
        return None
    return best[1]
