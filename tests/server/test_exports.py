"""Exports: GeoJSON that GIS tools read, CSV that spreadsheets read; the CLI gives the same."""

import csv
import io
import json

from server import admin
from tests.server.conftest import API


def _fill(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=1)
    records = [
        device.record(description='=HYPERLINK("x")', place="قرية"),
        device.record(
            kind="violation", details={"type": "shelling", "casualties": {"killed": 1, "injured": 2}}
        ),
    ]
    harness.submit(device, [device.seal(*device.sign_next(r)) for r in records])
    harness.client.post(
        f"{API}/reports/{records[1]['id']}/decision",
        json={"state": "verified", "reason": "seen"},
        headers=verifier_headers,
    )
    return records


def test_geojson_is_an_rfc7946_feature_collection(harness, admin_headers, verifier_headers):
    records = _fill(harness, admin_headers, verifier_headers)
    answer = harness.client.get(f"{API}/exports/geojson", headers=verifier_headers)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/geo+json")
    collection = json.loads(answer.content)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 2
    feature = collection["features"][0]
    location = records[0]["location"]
    assert feature["type"] == "Feature" and feature["id"] == records[0]["id"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [location["lon"], location["lat"]]}
    props = feature["properties"]
    assert props["kind"] == "unit_movement" and props["state"] == "received" and props["place"] == "قرية"
    assert props["device_id"] and props["observed_at"] and props["details_vehicles_truck"] == 6
    assert all(
        not isinstance(v, dict | list) for f in collection["features"] for v in f["properties"].values()
    )
    verified = harness.client.get(
        f"{API}/exports/geojson", params={"state": "verified"}, headers=verifier_headers
    )
    features = json.loads(verified.content)["features"]
    assert [f["id"] for f in features] == [records[1]["id"]]
    assert features[0]["properties"]["details_casualties_killed"] == 1
    assert features[0]["properties"]["review_reason"] == "seen"


def test_csv_has_a_header_row_and_one_row_per_report(harness, admin_headers, verifier_headers):
    records = _fill(harness, admin_headers, verifier_headers)
    answer = harness.client.get(f"{API}/exports/csv", headers=verifier_headers)
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")
    text = answer.content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 2
    assert {"record_id", "kind", "state", "observed_at", "lat", "lon", "device_id", "details_type"} <= set(
        rows[0]
    )
    assert rows[0]["record_id"] == records[0]["id"]
    assert rows[0]["description"].startswith("'=")  # not run as a formula
    assert rows[0]["place"] == "قرية"
    assert float(rows[0]["lat"]) == records[0]["location"]["lat"]
    assert rows[1]["details_casualties_injured"] == "2"


def test_the_admin_command_exports_the_same(harness, admin_headers, verifier_headers):
    _fill(harness, admin_headers, verifier_headers)
    for fmt in ("geojson", "csv"):
        api = harness.client.get(
            f"{API}/exports/{fmt}", params={"state": "verified"}, headers=verifier_headers
        )
        out = io.StringIO(newline="")
        admin.export(harness.settings, out, fmt=fmt, state="verified", clock=harness.clock)
        assert out.getvalue().encode("utf-8") == api.content


def test_the_gps_fix_and_the_gazetteer_place_are_exported(harness, admin_headers, verifier_headers):
    """`fix_at` and `mocked` (a GPS fix's own facts) and `place_ref` (the gazetteer id) come
    from the signed record into both exports; absent in the record, the cells are empty."""
    device = harness.device(admin_headers, seed=4)
    gps = device.record(place="Sirte", place_ref={"id": "sirte", "en": "Sirte", "ar": "سرت"})
    gps["location"] = {
        **gps["location"],
        "source": "gps",
        "fix_at": "2026-03-01T07:58:00+02:00",
        "mocked": True,
    }
    plain = device.record()
    harness.submit(device, [device.seal(*device.sign_next(r)) for r in (gps, plain)])
    features = json.loads(harness.client.get(f"{API}/exports/geojson", headers=verifier_headers).content)
    props = {f["id"]: f["properties"] for f in features["features"]}
    assert (props[gps["id"]]["fix_at"], props[gps["id"]]["mocked"]) == ("2026-03-01T07:58:00+02:00", True)
    assert props[gps["id"]]["place_ref"] == "sirte"
    assert (props[plain["id"]]["fix_at"], props[plain["id"]]["mocked"], props[plain["id"]]["place_ref"]) == (
        None,
        None,
        None,
    )
    text = harness.client.get(f"{API}/exports/csv", headers=verifier_headers).content.decode("utf-8-sig")
    rows = {row["record_id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    assert rows[gps["id"]]["mocked"] == "true" and rows[gps["id"]]["place_ref"] == "sirte"
    assert rows[gps["id"]]["fix_at"] == "2026-03-01T07:58:00+02:00"
    assert rows[plain["id"]]["mocked"] == "" and rows[plain["id"]]["fix_at"] == ""
