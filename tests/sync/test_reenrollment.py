"""Enrolling with another server keeps every queued record deliverable (issue 10, point 12),
and `sync` says how many records are truly still queued.

Two real servers on loopback: records sealed to the first server's key must not be sent,
sealed that way, to the second (it could never open them); they are sealed again to the
new key, and the signed bodies stay byte for byte what the device signed.
"""

import json

import httpx
import pytest

from fieldapp.services.enrollment import enroll_device
from fieldapp.services.syncing import run_sync
from tests.support.devices import make_device
from tests.support.live_server import create_enrollment_code, live_server
from tests.sync.live import assert_exactly_once, new_device, run_fieldapp, server_reports

pytestmark = pytest.mark.live  # the CLI in subprocesses / real servers: main suite only (pyproject)


@pytest.fixture(scope="module")
def second_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("second-server")
    with live_server(data_dir) as url:
        yield data_dir, url


def test_records_sealed_to_the_old_server_reach_the_new_one(tmp_path, server, second_server):
    second_dir, second_url = second_server
    device = new_device(tmp_path / "device", queued=7, seed=31)
    enroll_device(device, server.url, create_enrollment_code(server.data_dir))
    signed_before = {
        item.record_id: device.get(item.record_id).body
        for item in device.outbox.queued(after=None, limit=100)
    }
    assert len(signed_before) == 7
    result = enroll_device(device, second_url, create_enrollment_code(second_dir))
    assert result.sealed == 7  # every queued record, sealed again to the new key
    report = run_sync(device, with_photos=False)
    assert (report.status, report.sent, report.rejected, report.still_queued) == ("done", 7, 0, 0)
    assert_exactly_once(device, second_dir, expect=7)
    assert {record_id: device.get(record_id).body for record_id in signed_before} == signed_before
    assert server_reports(server.data_dir, device.device_id) == []  # nothing went to the old one
    device.lock()


def test_a_record_the_old_server_refused_is_tried_at_the_new_one(tmp_path, server, second_server):
    second_dir, second_url = second_server
    # another device already sent a record with this id to the first server: a conflict there
    other = make_device(seed=32)
    with httpx.Client(base_url=server.url) as client:
        other.enroll(client, create_enrollment_code(server.data_dir))
        taken = other.record()
        response = client.post(
            "/api/v1/submissions",
            json={"envelopes": [other.seal(*other.sign_next(taken))]},
            headers=other.auth,
        )
        assert response.json()["results"][0]["status"] == "accepted"
    device = new_device(tmp_path / "device", queued=2, seed=33)
    clash = device.record({**_input(taken), "id": taken["id"]}, finalize=True)
    enroll_device(device, server.url, create_enrollment_code(server.data_dir))
    first = run_sync(device, with_photos=False)
    assert (first.sent, first.rejected) == (2, 1)
    assert first.still_queued == 1  # the refused record is still on the device, queued
    assert device.get(clash).delivery_error
    enroll_device(device, second_url, create_enrollment_code(second_dir))
    second = run_sync(device, with_photos=False)
    assert (second.status, second.sent, second.still_queued) == ("done", 1, 0)
    assert device.get(clash).state in ("sent", "received") and device.get(clash).delivery_error is None
    device.lock()


def test_cli_sync_counts_a_refused_record_as_still_queued(tmp_path, server):
    other = make_device(seed=34)
    with httpx.Client(base_url=server.url) as client:
        other.enroll(client, create_enrollment_code(server.data_dir))
        taken = other.record()
        client.post(
            "/api/v1/submissions",
            json={"envelopes": [other.seal(*other.sign_next(taken))]},
            headers=other.auth,
        )
    data_dir = tmp_path / "device"
    device = new_device(data_dir, queued=3, seed=35)
    device.record({**_input(taken), "id": taken["id"]}, finalize=True)
    enroll_device(device, server.url, create_enrollment_code(server.data_dir))
    device.lock()
    result = run_fieldapp("sync", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert (counts["sent"], counts["rejected"], counts["still_queued"]) == (3, 1, 1)
    again = run_fieldapp("sync", data_dir=data_dir)
    assert "still queued 1" in again.stdout, again.stdout


def _input(record: dict) -> dict:
    """A test device's record as observer input (the store sets recorded_at itself)."""
    return {key: value for key, value in record.items() if key not in ("recorded_at",)}
