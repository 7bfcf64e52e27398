"""Exports keep the record's own UTC offset beside the UTC time (issue 13, point 15).

A real server on loopback takes records observed at +02:00 and -05:30; `fieldapp admin export`
(a real process) writes CSV and GeoJSON that give each one's UTC time, the time as the observer
reported it, and its offset."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.devices import make_device
from tests.support.live_server import REPO_ROOT, create_enrollment_code, live_server

OBSERVED = {"2026-11-27T10:00:00+02:00": ("2026-11-27T08:00:00+00:00", "UTC+02:00"),
            "2026-11-27T03:15:00-05:30": ("2026-11-27T08:45:00+00:00", "UTC-05:30")}  # fmt: skip


def _export(data: Path, fmt: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", "admin", "export", "--format", fmt, "--data-dir", str(data)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_csv_and_geojson_exports_keep_each_records_own_offset(tmp_path: Path):
    data = tmp_path / "server"
    device = make_device(seed=5)
    with live_server(data) as base_url, httpx.Client(base_url=base_url) as client:
        device.enroll(client, create_enrollment_code(data))
        envelopes = [env for observed in OBSERVED for env in device.envelopes(1, observed_at=observed)]
        answer = client.post("/api/v1/submissions", json={"envelopes": envelopes}, headers=device.auth)
        assert [r["status"] for r in answer.json()["results"]] == ["accepted", "accepted"]

    rows = list(csv.DictReader(io.StringIO(_export(data, "csv").lstrip("\ufeff"))))
    header = list(rows[0])
    assert header[header.index("observed_at") : header.index("observed_at") + 3] == [
        "observed_at", "observed_at_local", "utc_offset",
    ]  # fmt: skip
    got = {row["observed_at_local"]: (row["observed_at"], row["utc_offset"]) for row in rows}
    assert got == OBSERVED

    features = json.loads(_export(data, "geojson"))["features"]
    props = [feature["properties"] for feature in features]
    got = {p["observed_at_local"]: (p["observed_at"], p["utc_offset"]) for p in props}
    assert got == OBSERVED
