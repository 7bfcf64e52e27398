"""Streamed exports of a large seeded set (several chunks): each parses with the standard
library's reader and holds every report exactly once, on SQLite and PostgreSQL."""

import csv
import io
import json
import zipfile

import sqlalchemy as sa

from server.exports import CHUNK
from tests.server.conftest import API
from tests.support.seeded_reports import seed

COUNT = CHUNK * 5 + 17


def _seeded(harness) -> set[str]:
    seed(harness.ctx.engine, COUNT, devices=7, seed=21)
    with harness.ctx.engine.connect() as connection:
        return set(connection.execute(sa.text("SELECT record_id FROM reports")).scalars())


def test_geojson_csv_and_zip_hold_every_report_once(harness, verifier_headers):
    ids = _seeded(harness)
    assert len(ids) == COUNT
    geojson = harness.client.get(f"{API}/exports/geojson", headers=verifier_headers)
    assert geojson.status_code == 200
    features = json.loads(geojson.content)["features"]
    assert sorted(f["id"] for f in features) == sorted(ids)
    assert all(f["properties"]["record_id"] == f["id"] for f in features)

    answer = harness.client.get(f"{API}/exports/csv", headers=verifier_headers)
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    assert sorted(row["record_id"] for row in rows) == sorted(ids)
    assert {"details_vehicles_tank", "details_casualties_killed"} <= set(rows[0])
    assert any(row["place"] == "قرية الاختبار" for row in rows)
    assert all("\n" in row["description"] for row in rows)  # quoted newlines survive

    archive = harness.client.get(f"{API}/exports/zip", headers=verifier_headers)
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert opened.testzip() is None
        inner = json.loads(opened.read("reports.geojson"))["features"]
        assert [f["id"] for f in inner] == [f["id"] for f in features]  # same order, every row once
        assert opened.read("photos.csv").decode("utf-8-sig").splitlines() == [
            "record_id,sha256,file,name,mime,size,status"
        ]


def test_a_filtered_export_is_the_filtered_queue(harness, verifier_headers):
    _seeded(harness)
    features = harness.client.get(
        f"{API}/exports/geojson", params={"state": "verified"}, headers=verifier_headers
    ).json()["features"]
    queue, offset = [], 0
    while page := harness.client.get(
        f"{API}/reports",
        params={"state": "verified", "limit": 200, "offset": offset},
        headers=verifier_headers,
    ).json()["items"]:
        queue += [item["record_id"] for item in page]
        offset += 200
    assert [f["id"] for f in features] == queue
    counts = harness.client.get(f"{API}/reports/counts", headers=verifier_headers).json()
    assert counts["verified"] == len(queue) and sum(counts.values()) == COUNT
