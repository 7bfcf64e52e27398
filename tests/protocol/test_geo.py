"""The one geo module both ends use: distance, bearing, compass, "12 km NE of Sirte", MGRS bound."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygeodesy.ellipsoidalVincenty import LatLon as VincentyLatLon

from sync import geo
from sync.places import describe, load_places, nearest_place

SIRTE = (31.2089, 16.5887)
TRIPOLI, BENGHAZI = (32.8872, 13.1913), (32.1167, 20.0667)


def point_from(start: tuple[float, float], bearing: float, km: float) -> tuple[float, float]:
    """Where walking `km` along the geodesic at `bearing` ends (Vincenty's direct problem, not Karney's)."""
    end = VincentyLatLon(*start).destination(km * 1000, bearing)
    return end.lat, end.lon


def test_distance_agrees_with_vincenty_to_a_metre():
    expected = VincentyLatLon(*TRIPOLI).distanceTo(VincentyLatLon(*BENGHAZI)) / 1000
    assert geo.distance_km(*TRIPOLI, *BENGHAZI) == pytest.approx(expected, abs=0.001)
    assert 640 < expected < 660
    assert geo.distance_km(*SIRTE, *SIRTE) == 0


@pytest.mark.parametrize("bearing", [0.0, 45.0, 90.0, 135.0, 180.0, 225.0, 270.0, 315.0, 10.0, 359.0])
def test_bearing_is_the_direction_walked(bearing):
    found = geo.bearing_deg(*SIRTE, *point_from(SIRTE, bearing, 20))
    assert 0.0 <= found < 360.0
    assert abs((found - bearing + 180.0) % 360.0 - 180.0) < 0.01


@pytest.mark.parametrize(
    ("bearing", "point"),
    [
        (0, "N"),
        (11.24, "N"),
        (11.25, "NNE"),
        (45, "NE"),
        (90, "E"),
        (135, "SE"),
        (180, "S"),
        (202.5, "SSW"),
        (270, "W"),
        (337.5, "NNW"),
        (348.74, "NNW"),
        (348.75, "N"),
        (359.99, "N"),
        (360, "N"),
        (-90, "W"),
    ],
)
def test_sixteen_point_compass(bearing, point):
    assert geo.compass_point(bearing) == point
    assert point in geo.COMPASS_POINTS


def test_compass_points_are_the_records_headings():
    from fieldapp.model import HEADINGS

    assert len(geo.COMPASS_POINTS) == 16 and HEADINGS is geo.COMPASS_POINTS


@pytest.mark.parametrize(
    ("bearing", "km", "text"),
    [
        (45.0, 12.0, "12 km NE of Sirte"),
        (200.0, 3.42, "3.4 km SSW of Sirte"),
        (270.0, 127.4, "127 km W of Sirte"),
        (90.0, 0.02, "at Sirte"),
    ],
)
def test_a_position_told_from_a_place(bearing, km, text):
    relative = geo.relative_to("Sirte", *SIRTE, *point_from(SIRTE, bearing, km))
    assert relative.km == pytest.approx(km, abs=0.001)
    assert relative.text() == text


def test_describe_from_the_gazetteer():
    places = load_places()
    told = describe(places, *point_from(SIRTE, 45.0, 12.0))
    assert told is not None and told.place == "Sirte" and told.compass == "NE"
    assert told.text() == "12 km NE of Sirte"
    arabic = describe(places, *point_from(SIRTE, 45.0, 12.0), language="ar")
    assert arabic is not None and arabic.place == "سرت"
    assert describe(places, 0.0, 0.0) is None  # far from every place


@settings(max_examples=150, deadline=None)
@given(lat=st.floats(19.0, 34.0), lon=st.floats(9.0, 26.0))
def test_nearest_place_is_the_geodesic_nearest(lat, lon):
    places = load_places()
    brute = min(places, key=lambda p: geo.distance_km(lat, lon, p.lat, p.lon))
    found = nearest_place(places, lat, lon)
    assert found is not None
    assert geo.distance_km(lat, lon, found.lat, found.lon) == pytest.approx(
        geo.distance_km(lat, lon, brute.lat, brute.lon), abs=1e-9
    )


def test_one_mgrs_bound_80_south_up_to_84_north():
    assert geo.mgrs_of(83.999, 10.0) is not None
    assert geo.mgrs_of(84.0, 10.0) is None  # UTM stops short of 84°N: no reference, no crash
    assert geo.mgrs_of(-80.0, 10.0) is not None
    assert geo.mgrs_of(-80.001, 10.0) is None
    with pytest.raises(geo.MgrsError, match="80°S to 84°N"):
        geo.to_mgrs(84.0, 10.0)
    assert geo.from_mgrs(geo.to_mgrs(*SIRTE)) == pytest.approx(SIRTE, abs=1e-5)
