"""A report's position as monitoring missions write it: "12 km NE of Sirte", "in Sirte".

Derived on the server from the shared gazetteer (sync.places: assets/places.json and
places-geonames.json) with the shared geodesic (sync.geo: pygeodesy/geographiclib on WGS 84).
Stored on the report row at ingest (`Report.location_description`, migration
0008_location_description) because one geodesic costs ~100-200 µs in pure Python: computing
it for every row of a 200k-row export on read would add tens of seconds; the queue, the
report page and both exports read the stored text.

Speed: the gazetteer is put in a 1° grid once; a call looks only at the cells within
`DESCRIBE_WITHIN_KM`, ranks those places by a flat-earth estimate and runs the exact
geodesic (`geo.relative_to`) only on the ones the estimate cannot tell from the closest
(usually just one), so the geodesic that decides is also the one whose distance and bearing
are written.

Wording (docs/server.md): under `IN_TOWN_KM` of a town's centre "in Sirte", under
`AT_SITE_KM` of any other place (air base, port, crossing...) "at Mitiga airport", else
distance and 16-point bearing from the place, tenths of a km under 10 km ("3.4 km SSW of
Sirte", sync.geo.Relative.text). Farther than `DESCRIBE_WITHIN_KM` from every place there
is no description (None): the position is told by its coordinates alone, as sync.places says.
Arabic spells the compass point out letter by letter as the app abbreviates it (NE "ش ق" is
"شمال شرق"): "12 كم شمال شرق سرت", "في سرت"; the place in its Arabic name where it has one.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sync import geo
from sync.places import DESCRIBE_WITHIN_KM, Place, load_places

IN_TOWN_KM = 1.5  # a town's listed point is its centre: this close, the report is in it
AT_SITE_KM = 1.0  # an air base, port or crossing is smaller
LANGUAGES = ("en", "ar")
# The flat estimate is within about 1% of the geodesic over a window of 100 km below 80°;
# every candidate within this factor (plus a few hundred metres) of the closest estimate is
# measured exactly, so a near tie is settled by the geodesic, never by the estimate.
_TIE_FACTOR = 1.05
_TIE_SLACK_KM = 0.3
_KM_PER_DEG_LAT = 110.0  # a little under the shortest degree of latitude (110.57 km): a safe window
_KM_PER_DEG_EQUATOR = 111.32
_ARABIC_COMPASS = {"N": "شمال", "E": "شرق", "S": "جنوب", "W": "غرب"}


@dataclass(frozen=True)
class Told:
    """A position told from its nearest place."""

    place: Place
    relative: geo.Relative  # from the place in its English name

    def text(self, language: str = "en") -> str:
        close = IN_TOWN_KM if self.place.type == "town" else AT_SITE_KM
        name = self.place.label(language)
        if language == "ar":
            if self.relative.km < close:
                return f"في {name}"
            compass = " ".join(_ARABIC_COMPASS[letter] for letter in self.relative.compass)
            return f"{_distance(self.relative.km)} كم {compass} {name}"
        if self.relative.km < close:
            return f"{'in' if self.place.type == 'town' else 'at'} {name}"
        return self.relative.text()


def _distance(km: float) -> str:
    # As sync.geo.Relative.text writes it: whole km from 10 km, tenths below.
    return f"{km:.0f}" if km >= 9.95 else f"{km:.1f}"


class Gazetteer:
    """The places in a 1° grid, for the nearest one to many points in turn."""

    def __init__(self, places: Sequence[Place], *, max_km: float = DESCRIBE_WITHIN_KM) -> None:
        self.places = tuple(places)
        self.max_km = max_km
        self._cells: dict[tuple[int, int], list[Place]] = {}
        for place in self.places:
            self._cells.setdefault(_cell(place.lat, place.lon), []).append(place)

    def nearest(self, lat: float, lon: float) -> Told | None:
        """The closest place within `max_km` (geodesic) told as distance and bearing, or None."""
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # also refuses NaN
            return None
        candidates = self._window(lat, lon)
        if not candidates:
            return None
        cos_lat = math.cos(math.radians(lat))
        estimates = []
        for place in candidates:
            dlon = (place.lon - lon + 180.0) % 360.0 - 180.0
            north = (place.lat - lat) * _KM_PER_DEG_LAT
            east = dlon * cos_lat * _KM_PER_DEG_EQUATOR
            estimates.append((north * north + east * east, place))
        closest = min(estimate for estimate, _ in estimates)
        if math.sqrt(closest) > self.max_km * _TIE_FACTOR + _TIE_SLACK_KM:
            return None  # clearly farther than max_km from all: no geodesic needed
        reach = (math.sqrt(closest) * _TIE_FACTOR + _TIE_SLACK_KM) ** 2
        best: Told | None = None
        for estimate, place in estimates:
            if estimate <= reach:
                relative = geo.relative_to(place.name, place.lat, place.lon, lat, lon)
                if best is None or relative.km < best.relative.km:
                    best = Told(place, relative)
        if best is None or best.relative.km > self.max_km:
            return None
        return best

    def _window(self, lat: float, lon: float) -> list[Place]:
        """The places of every cell a point within `max_km` of (lat, lon) could be in."""
        dlat = self.max_km / _KM_PER_DEG_LAT
        edge = min(89.0, abs(lat) + dlat)
        dlon = 1.1 * self.max_km / (_KM_PER_DEG_EQUATOR * math.cos(math.radians(edge)))
        if abs(lat) + dlat >= 89.0 or dlon >= 180.0:
            return list(self.places)  # near a pole: every meridian is close
        rows = range(math.floor(lat - dlat), math.floor(lat + dlat) + 1)
        columns = range(math.floor(lon - dlon), math.floor(lon + dlon) + 1)
        found: list[Place] = []
        for row in rows:
            for column in columns:
                found += self._cells.get((row, (column + 180) % 360 - 180), ())
        return found


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat), (math.floor(lon) + 180) % 360 - 180


@cache
def gazetteer() -> Gazetteer:
    """The shipped place list, read and gridded once per process."""
    return Gazetteer(load_places())


def describe_location(lat: float, lon: float, *, language: str = "en") -> str | None:
    """ "12 km NE of Sirte", "in Sirte", "at Mitiga airport" ("12 كم شمال شرق سرت" in Arabic);
    None when no gazetteer place is within `DESCRIBE_WITHIN_KM` (or the point is not one)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    told = gazetteer().nearest(lat, lon)
    return told.text(language) if told is not None else None
