"""The offline place list: sane entries, search in English and Arabic, nearest place."""

import json
import re
from pathlib import Path

import pytest
from model_examples import NOW, record

from fieldapp.model import parse_observation
from sync.geo import distance_km
from sync.places import (
    PLACE_TYPES,
    Place,
    PlaceListError,
    default_places_path,
    fold,
    load_places,
    nearest_place,
    search_places,
)

# Libya's extent, with a little margin for coastal terminals and border posts.
LAT_RANGE = (19.5, 33.2)
LON_RANGE = (9.3, 25.2)

# Places the ceasefire's reporting names and monitors will look for.
EXPECTED = [
    "Sirte", "Al Jufra air base", "Ghadames", "Tripoli", "Mitiga airport", "Misrata", "Benghazi",
    "Benina airport", "Al Watiya air base", "Brega oil terminal", "Ras Lanuf oil terminal",
    "Es Sider oil terminal", "Zueitina oil terminal", "Hariga oil terminal", "Ras Ajdir border crossing",
    "Wazin-Dehiba border crossing", "Sabha", "Abu Qurain", "Tobruk", "Kufra", "Ajdabiya", "Derna", "Bayda",
    "Zawiya", "Zuwara", "Gharyan", "Tarhuna", "Bani Walid", "Hun", "Waddan", "Sokna", "Ubari", "Ghat",
    "Murzuq", "Brak", "Tamanhint air base", "Gardabiya air base", "Qasr Bin Ghashir",
    "Emsaed border crossing", "Tummo border crossing", "Sharara oil field", "Zillah", "Marada", "Jalu",
    "Awjila", "Tazirbu", "Ben Jawad", "Nofaliya", "Al Washka", "Buwairat al-Hassoun", "Harawa",
]  # fmt: skip


@pytest.fixture(scope="module")
def places() -> list[Place]:
    return load_places()


def test_default_file_is_in_the_app_root_assets(places: list[Place]) -> None:
    path = default_places_path()
    assert path.parts[-2:] == ("assets", "places.json")
    assert (path.parent.parent / "fieldapp").is_dir()  # beside the package, as `flet build` lays it out
    assert len(places) >= 45


def test_every_entry_is_inside_libya(places: list[Place]) -> None:
    outside = [
        p.name
        for p in places
        if not (LAT_RANGE[0] <= p.lat <= LAT_RANGE[1] and LON_RANGE[0] <= p.lon <= LON_RANGE[1])
    ]
    assert outside == []


def test_ids_and_names_are_unique_and_well_formed(places: list[Place]) -> None:
    for attribute in ("id", "name", "name_ar"):
        values = [getattr(p, attribute) for p in places if getattr(p, attribute)]
        assert len(values) == len(set(values)), attribute
    folded = [fold(p.name) for p in places]
    assert len(folded) == len(set(folded))
    for place in places:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", place.id), place.id
        assert place.type in PLACE_TYPES
        if place.source == "curated" or place.name_ar:  # GeoNames lacks an Arabic name for some
            assert re.search("[\u0600-\u06ff]", place.name_ar), place.name_ar
        assert not re.search("[A-Za-z]", place.name_ar), place.name_ar


def test_expected_places_are_present(places: list[Place]) -> None:
    names = {p.name for p in places}
    assert [name for name in EXPECTED if name not in names] == []


def test_places_are_where_they_should_be(places: list[Place]) -> None:
    by_id = {p.id: p for p in places}
    # Road distances the reports quote, as great-circle sanity checks (generous bounds).
    assert 180 < distance_km(*_at(by_id["tripoli"]), *_at(by_id["misrata"])) < 200
    assert 5 < distance_km(*_at(by_id["mitiga-airport"]), *_at(by_id["tripoli"])) < 12
    assert 3 < distance_km(*_at(by_id["benina-airport"]), *_at(by_id["benghazi"])) < 25
    assert 10 < distance_km(*_at(by_id["gardabiya-air-base"]), *_at(by_id["sirte"])) < 25
    assert 15 < distance_km(*_at(by_id["hun"]), *_at(by_id["waddan"])) < 25
    assert by_id["ras-ajdir"].lon < by_id["zuwara"].lon < by_id["tripoli"].lon  # west to east along the coast
    assert by_id["es-sider"].lon < by_id["ras-lanuf"].lon < by_id["brega"].lon
    # The 2020 front line on the coastal road, west to east.
    front = ["abu-qurain", "al-washka", "buwairat-al-hassoun", "sirte"]
    assert [by_id[name].lon for name in front] == sorted(by_id[name].lon for name in front)


def _at(place: Place) -> tuple[float, float]:
    return place.lat, place.lon


def test_search_english_prefix_before_substring(places: list[Place]) -> None:
    assert [p.name for p in search_places(places, "sir")][:2] == ["Sirte", "Gardabiya air base"]
    assert search_places(places, "SIRTE")[0].name == "Sirte"
    assert search_places(places, "jufra")[0].id == "al-jufra-air-base"  # a word inside the name
    assert search_places(places, "sidra")[0].id == "es-sider"  # by another name
    assert [p.name for p in search_places(places, "benghazi")] == ["Benghazi", "Benghazi port"]


def test_search_arabic_with_or_without_letter_variants(places: list[Place]) -> None:
    assert search_places(places, "مصراتة")[0].name == "Misrata"
    assert search_places(places, "مصراته")[0].name == "Misrata"  # ta marbuta typed as ha
    assert search_places(places, "اجدابيا")[0].name == "Ajdabiya"  # alef without hamza
    assert search_places(places, "سِرْت")[0].name == "Sirte"  # with vowel marks
    assert "Al Watiya air base" in [p.name for p in search_places(places, "الوطية")]


def test_search_limits_and_empty_queries(places: list[Place]) -> None:
    assert len(search_places(places, "a", limit=3)) == 3
    assert search_places(places, "   ") == []
    assert search_places(places, "zzzz") == []
    assert search_places(places, "air", limit=0) == []


def test_nearest_place(places: list[Place]) -> None:
    assert nearest_place(places, 31.21, 16.58).name == "Sirte"
    assert nearest_place(places, 32.896, 13.27).name == "Mitiga airport"
    assert nearest_place(places, 0.0, 0.0, max_km=100) is None
    assert nearest_place([], 31.2, 16.6) is None


def test_picking_a_place_makes_a_valid_location(places: list[Place]) -> None:
    sirte = search_places(places, "Sirte")[0]
    out = parse_observation(record(**sirte.observation_fields()), now=NOW).to_record()
    assert out["place"] == "Sirte"
    assert out["location"] == {"lat": sirte.lat, "lon": sirte.lon, "accuracy_m": None, "source": "place"}
    approx = next(p for p in places if p.approx)
    assert approx.observation_fields()["location"]["accuracy_m"] == 10_000.0


def test_missing_or_malformed_files_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PlaceListError, match="could not be read"):
        load_places(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PlaceListError, match="not valid JSON"):
        load_places(bad)
    bad.write_text(json.dumps({"places": [{"id": "x", "name": "X"}]}), encoding="utf-8")
    with pytest.raises(PlaceListError, match="entry 1"):
        load_places(bad)
    bad.write_text(
        json.dumps([{"id": "x", "name": "X", "name_ar": "س", "type": "castle", "lat": 1, "lon": 1}])
    )
    with pytest.raises(PlaceListError, match="entry 1"):
        load_places(bad)


def test_a_plain_list_file_also_loads(tmp_path: Path) -> None:
    path = tmp_path / "places.json"
    entry = {"id": "x", "name": "X", "name_ar": "س", "type": "town", "lat": 30, "lon": 15}
    path.write_text(json.dumps([entry]), encoding="utf-8")
    assert load_places(path) == [Place("x", "X", "س", "town", 30.0, 15.0)]
