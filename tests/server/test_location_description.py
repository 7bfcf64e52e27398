"""A report's position told as missions write it ("12 km NE of Sirte"), on the server, from the
gazetteer and the one geo module: the function, what ingest stores, what the API and the
exports return, and the migration that fills it for reports already stored."""

import csv
import io
import json

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from pygeodesy.ellipsoidalVincenty import LatLon as VincentyLatLon

from server.database import make_engine, upgrade_schema
from server.location_description import Gazetteer, describe_location, gazetteer
from sync import geo
from sync.places import DESCRIBE_WITHIN_KM, Place, load_places
from tests.server.conftest import API

SIRTE = (31.205, 16.588)  # as the gazetteer lists it
MITIGA = (32.894, 13.276)


def point_from(start: tuple[float, float], bearing: float, km: float) -> tuple[float, float]:
    """Where walking `km` along the geodesic at `bearing` ends (Vincenty's direct problem, not Karney's)."""
    end = VincentyLatLon(*start).destination(km * 1000, bearing)
    return end.lat, end.lon


@pytest.mark.parametrize(
    ("bearing", "km", "english", "arabic"),
    [
        (45.0, 12.0, "12 km NE of Sirte", "12 كم شمال شرق سرت"),
        (200.0, 3.42, "3.4 km SSW of Sirte", "3.4 كم جنوب جنوب غرب سرت"),
        (350.0, 6.0, "6.0 km N of Sirte", "6.0 كم شمال سرت"),
    ],
)
def test_distance_and_bearing_from_the_nearest_place(bearing, km, english, arabic):
    lat, lon = point_from(SIRTE, bearing, km)
    assert describe_location(lat, lon) == english
    assert describe_location(lat, lon, language="ar") == arabic
    told = gazetteer().nearest(lat, lon)
    assert told is not None and told.place.name == "Sirte"
    place = (told.place.lat, told.place.lon)
    assert told.relative.km == pytest.approx(geo.distance_km(*place, lat, lon), abs=1e-9)
    assert told.relative.bearing == pytest.approx(geo.bearing_deg(*place, lat, lon), abs=1e-9)
    assert told.relative.compass == geo.compass_point(geo.bearing_deg(*place, lat, lon))


def test_very_close_reads_in_a_town_and_at_a_site():
    assert describe_location(*point_from(SIRTE, 90.0, 0.8)) == "in Sirte"
    assert describe_location(*point_from(SIRTE, 90.0, 0.8), language="ar") == "في سرت"
    assert describe_location(*MITIGA) == "at Mitiga airport"
    assert describe_location(*MITIGA, language="ar") == "في مطار معيتيقة"
    # past the town's centre the distance is told again, in tenths
    assert describe_location(*point_from(SIRTE, 0.0, 2.0)) == "2.0 km N of Sirte"


def test_a_place_without_an_arabic_name_keeps_its_own():
    place = Place(id="x", name="Bir Test", name_ar="", type="town", lat=30.0, lon=20.0)
    told = Gazetteer([place]).nearest(*point_from((30.0, 20.0), 270.0, 12.0))
    assert told is not None and told.text("ar") == "12 كم غرب Bir Test"


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (0.0, 0.0),  # far from every listed place
        (35.05, 36.05),  # another country: nothing within 100 km
        (float("nan"), 16.0),
        (91.0, 16.0),
        (31.0, 181.0),
        (float("inf"), 0.0),
    ],
)
def test_no_place_near_or_no_position_gives_no_description(lat, lon):
    assert describe_location(lat, lon) is None
    assert describe_location(lat, lon, language="ar") is None


def test_just_inside_and_just_outside_the_reach():
    # the southernmost curated town, walked away from due south (nothing else lies that way)
    south = min(load_places(), key=lambda p: p.lat)
    inside = describe_location(*point_from((south.lat, south.lon), 180.0, DESCRIBE_WITHIN_KM - 1))
    assert inside is not None and inside.endswith(f"of {south.name}")
    assert describe_location(*point_from((south.lat, south.lon), 180.0, DESCRIBE_WITHIN_KM + 1)) is None


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        describe_location(*SIRTE, language="fr")


def test_the_grid_wraps_the_date_line_and_covers_the_poles():
    places = [
        Place(id="e", name="East", name_ar="", type="town", lat=0.0, lon=179.9),
        Place(id="p", name="Pole", name_ar="", type="town", lat=89.5, lon=0.0),
    ]
    found = Gazetteer(places).nearest(0.0, -179.9)
    assert found is not None and found.place.name == "East" and found.relative.compass == "E"
    near_pole = Gazetteer(places).nearest(89.6, 120.0)
    assert near_pole is not None and near_pole.place.name == "Pole"


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(19.0, 34.5), lon=st.floats(9.0, 26.0))
def test_the_nearest_place_is_the_geodesic_nearest(lat, lon):
    places = load_places()
    brute = min(places, key=lambda p: geo.distance_km(p.lat, p.lon, lat, lon))
    best = geo.distance_km(brute.lat, brute.lon, lat, lon)
    told = gazetteer().nearest(lat, lon)
    if best > DESCRIBE_WITHIN_KM:
        assert told is None
    else:
        assert told is not None and told.relative.km == pytest.approx(best, abs=1e-9)


# -- stored at ingest, returned by the API and the exports -----------------------------------


def _submit_near_sirte(harness, admin_headers):
    device = harness.device(admin_headers, seed=3)
    lat, lon = point_from(SIRTE, 45.0, 12.0)
    near = device.record(
        location={"lat": round(lat, 6), "lon": round(lon, 6), "accuracy_m": 10, "source": "gps"}
    )
    far = device.record()  # the test device's default position is far from every listed place
    results = harness.submit(device, [device.seal(*device.sign_next(r)) for r in (near, far)])
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    return near, far


def test_ingest_stores_it_and_the_queue_and_report_return_it(harness, admin_headers, verifier_headers):
    near, far = _submit_near_sirte(harness, admin_headers)
    page = harness.client.get(f"{API}/reports", headers=verifier_headers).json()
    told = {item["record_id"]: item["location_description"] for item in page["items"]}
    assert told == {near["id"]: "12 km NE of Sirte", far["id"]: None}
    detail = harness.client.get(f"{API}/reports/{near['id']}", headers=verifier_headers).json()
    assert detail["location_description"] == "12 km NE of Sirte"
    with harness.ctx.transaction() as session:
        stored = session.execute(sa.text("SELECT record_id, location_description FROM reports")).all()
    assert dict(stored) == told


def test_both_exports_carry_it(harness, admin_headers, verifier_headers):
    near, far = _submit_near_sirte(harness, admin_headers)
    geojson = json.loads(harness.client.get(f"{API}/exports/geojson", headers=verifier_headers).content)
    props = {f["id"]: f["properties"]["location_description"] for f in geojson["features"]}
    assert props == {near["id"]: "12 km NE of Sirte", far["id"]: None}
    text = harness.client.get(f"{API}/exports/csv", headers=verifier_headers).content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames is not None and "location_description" in reader.fieldnames
    cells = {row["record_id"]: row["location_description"] for row in reader}
    assert cells == {near["id"]: "12 km NE of Sirte", far["id"]: ""}


# -- the migration fills it for reports stored before it ----------------------------------


def test_upgrading_describes_the_reports_already_stored(database_url):
    from tests.server.test_migrations import WHEN, _id

    near = point_from(SIRTE, 45.0, 12.0)
    positions = [near, MITIGA, (0.0, 0.0)]
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine, "0005_query_indexes")  # the schema before the column existed
        with engine.begin() as connection:
            reports = sa.Table("reports", sa.MetaData(), autoload_with=connection)
            assert "location_description" not in reports.c
            connection.execute(
                sa.insert(reports),
                [
                    {
                        "record_id": _id(n),
                        "device_id": "a" * 32,
                        "seq": n,
                        "body": b"{}",
                        "body_hash": f"{n:064d}",
                        "signature": b"\0" * 64,
                        "prev_hash": None,
                        "kind": "other",
                        "observed_at": WHEN,
                        "recorded_at": WHEN,
                        "lat": lat,
                        "lon": lon,
                        "received_at": WHEN,
                        "state": "received",
                        "chain_status": "ok",
                    }
                    for n, (lat, lon) in enumerate(positions, start=1)
                ],
            )
        upgrade_schema(engine)
        with engine.begin() as connection:
            found = dict(
                connection.execute(sa.text("SELECT record_id, location_description FROM reports")).all()
            )
            tallies = connection.execute(sa.text("SELECT sum(n) FROM report_tallies")).scalar()
    finally:
        engine.dispose()
    assert found == {_id(1): "12 km NE of Sirte", _id(2): "at Mitiga airport", _id(3): None}
    assert tallies == 3  # the backfill's UPDATE left the maintained counts as they were
