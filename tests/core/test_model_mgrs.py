"""MGRS grid references ⇄ latitude/longitude, and MGRS input in observations."""

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_examples import NOW, record

from fieldapp.model import InvalidObservation, from_mgrs, parse_observation, to_mgrs

MGRS_1M = re.compile(r"^\d{1,2}[C-HJ-NP-X] [A-HJ-NP-Z][A-HJ-NP-V] \d{5} \d{5}$")


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = a, b
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def test_published_reference_for_the_washington_monument() -> None:
    # The example in the MGRS literature: 38.8895 N, 77.0352 W is 18S UJ 23487 06483 (± the last digit,
    # which references truncate).
    assert metres_between(from_mgrs("18S UJ 23487 06483"), (38.8895, -77.0352)) < 2.0
    assert to_mgrs(38.8895, -77.0352) in {"18S UJ 23486 06483", "18S UJ 23487 06483"}


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (31.2, 16.59, "33R"),  # Sirte
        (32.887, 13.191, "33S"),  # Tripoli: north of 32° is band S
        (32.117, 20.068, "34S"),  # Benghazi: east of 18° is zone 34
        (30.134, 9.497, "32R"),  # Ghadames: west of 12° is zone 32
        (24.178, 23.314, "34R"),  # Kufra airport
    ],
)
def test_libyan_places_land_in_the_right_grid_zone_and_come_back(lat: float, lon: float, zone: str) -> None:
    text = to_mgrs(lat, lon)
    assert MGRS_1M.match(text) and text.startswith(zone + " "), text
    assert metres_between(from_mgrs(text), (lat, lon)) < 1.0


def test_sirte_known_value() -> None:
    assert to_mgrs(31.2, 16.59) == "33R XQ 51482 52856"


@settings(max_examples=200, deadline=None)
@given(lat=st.floats(-80.0, 84.0, exclude_max=True), lon=st.floats(-180.0, 180.0, exclude_max=True))
def test_round_trip_within_a_metre_anywhere_mgrs_is_defined(lat: float, lon: float) -> None:
    text = to_mgrs(lat, lon)
    assert MGRS_1M.match(text), text
    # The reference names the 1 m square; its centre is at most 0.71 m away, plus rounding to 6 decimals.
    assert metres_between(from_mgrs(text), (lat, lon)) < 1.0


@pytest.mark.parametrize(
    "text", ["33rxq5148252856", "33R XQ 5148252856", " 33r xq 51482 52856 ", "33RXQ 51482 52856"]
)
def test_compact_and_lower_case_forms_are_accepted(text: str) -> None:
    assert from_mgrs(text) == from_mgrs("33R XQ 51482 52856")


def test_coarser_references_mean_the_centre_of_their_square() -> None:
    ten_metres = from_mgrs("33R XQ 5148 5285")
    assert metres_between(ten_metres, (31.2, 16.59)) < 15
    assert to_mgrs(31.2, 16.59, digits=4) == "33R XQ 5148 5285"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "must be a grid reference like"),
        ("hello", "must be a grid reference like"),
        ("33R XQ 5148 528", "same number of digits"),
        ("33R XQ 51482 5285", "same number of digits"),
        ("33R XQ 123", "same number of digits"),
        ("61R XQ 1 1", "grid zone must be between 1 and 60"),
        ("33I XQ 1 1", "must be a grid reference like"),
        ("33R XW 1 1", "must be a grid reference like"),
        ("33R XQ 123456 123456", "must be a grid reference like"),
    ],
)
def test_bad_references_are_field_errors(text: str, reason: str) -> None:
    with pytest.raises(InvalidObservation) as caught:
        from_mgrs(text)
    [error] = caught.value.errors
    assert error.field == "location.mgrs"
    assert reason in error.message


def test_outside_mgrs_latitudes_is_refused() -> None:
    with pytest.raises(InvalidObservation):
        to_mgrs(85.0, 10.0)


def test_observation_location_given_as_mgrs() -> None:
    observation = parse_observation(record(location={"mgrs": "33R XQ 51482 52856"}), now=NOW)
    location = observation.to_record()["location"]
    assert location["source"] == "manual" and location["accuracy_m"] is None
    assert metres_between((location["lat"], location["lon"]), (31.2, 16.59)) < 1.0
    assert observation.location.mgrs == "33R XQ 51482 52856"


def test_observation_mgrs_keeps_given_source_and_accuracy() -> None:
    given_location = {"mgrs": "33RXQ5148252856", "source": "gps", "accuracy_m": 5}
    location = parse_observation(record(location=given_location), now=NOW).to_record()["location"]
    assert location["source"] == "gps" and location["accuracy_m"] == 5.0


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ({"mgrs": "nonsense"}, "must be a grid reference like 33R XQ 51482 52856"),
        ({"mgrs": 33}, "must be a grid reference like 33R XQ 51482 52856"),
        ({"mgrs": "33R XQ 51482 52856", "lat": 31.2}, "give either lat/lon or an MGRS reference, not both"),
    ],
)
def test_observation_with_bad_mgrs_names_location_mgrs(location: dict, message: str) -> None:
    with pytest.raises(InvalidObservation) as caught:
        parse_observation(record(location=location, certainty="maybe"), now=NOW)
    fields = [(e.field, e.message) for e in caught.value.errors]
    assert ("location.mgrs", message) in fields
    assert ("certainty", "must be one of: confirmed, probable, unconfirmed") in fields  # others still checked
    assert len(fields) == 2
