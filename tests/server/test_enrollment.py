"""Enrolment: one-time codes, expiry, key/id binding, re-enrolment, revocation."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from server import admin
from sync.crypto import b64decode, device_id_for
from tests.server.conftest import API
from tests.support.devices import make_device


def test_enrolment_returns_device_id_server_keys_and_a_working_credential(harness, admin_headers):
    device = make_device(seed=11)
    answer = device.enroll(harness.client, harness.enrollment_code(admin_headers))
    assert answer["device_id"] == device.device_id == device_id_for(device.public_key)
    assert len(b64decode(answer["server_seal_key"])) == 32
    assert len(b64decode(answer["server_sign_key"])) == 32
    assert harness.client.get(f"{API}/devices/me/updates", headers=device.auth).status_code == 200


def test_a_code_works_once(harness, admin_headers):
    code = harness.enrollment_code(admin_headers)
    first, second = make_device(seed=1), make_device(seed=2)
    assert harness.client.post(f"{API}/enroll", json=first.enroll_request(code)).status_code == 200
    again = harness.client.post(f"{API}/enroll", json=second.enroll_request(code))
    assert again.status_code == 403
    assert "not valid" in again.json()["detail"]


def test_an_expired_code_is_refused(harness, admin_headers):
    code = harness.enrollment_code(admin_headers, expires_hours=1)
    harness.clock.advance(hours=1, seconds=1)
    answer = harness.client.post(f"{API}/enroll", json=make_device(seed=3).enroll_request(code))
    assert answer.status_code == 403


def test_code_typed_in_lower_case_without_dashes_still_works(harness, admin_headers):
    code = harness.enrollment_code(admin_headers).replace("-", "").lower()
    assert (
        harness.client.post(f"{API}/enroll", json=make_device(seed=4).enroll_request(code)).status_code == 200
    )


def test_device_id_must_belong_to_the_public_key(harness, admin_headers):
    code = harness.enrollment_code(admin_headers)
    request = make_device(seed=5).enroll_request(code)
    request["device_id"] = make_device(seed=6).device_id
    answer = harness.client.post(f"{API}/enroll", json=request)
    assert answer.status_code == 422
    # the refused attempt did not use the code up
    assert (
        harness.client.post(f"{API}/enroll", json=make_device(seed=5).enroll_request(code)).status_code == 200
    )


def test_re_enrolment_rotates_the_credential(harness, admin_headers):
    device = harness.device(admin_headers, seed=7)
    old = device.auth
    device.enroll(harness.client, harness.enrollment_code(admin_headers))
    assert harness.client.get(f"{API}/devices/me/updates", headers=old).status_code == 401
    assert harness.client.get(f"{API}/devices/me/updates", headers=device.auth).status_code == 200


def test_revoked_device_is_refused_and_cannot_re_enrol(harness, admin_headers):
    device = harness.device(admin_headers, seed=8)
    envelopes = device.envelopes(1)
    answer = harness.client.post(f"{API}/devices/{device.device_id}/revoke", headers=admin_headers)
    assert answer.status_code == 200 and answer.json()["revoked_at"]
    pushed = harness.client.post(f"{API}/submissions", json={"envelopes": envelopes}, headers=device.auth)
    assert pushed.status_code == 403
    again = harness.client.post(
        f"{API}/enroll", json=device.enroll_request(harness.enrollment_code(admin_headers))
    )
    assert again.status_code == 403
    assert harness.report_count() == 0


def test_a_code_without_hours_lasts_as_long_as_the_servers_setting(harness, admin_headers):
    answer = harness.client.post(f"{API}/enrollment-codes", json={}, headers=admin_headers)
    assert answer.status_code == 201
    expires = datetime.fromisoformat(answer.json()["expires_at"]).replace(tzinfo=UTC)
    assert expires == harness.clock() + harness.settings.enrollment_code_ttl


def test_the_admin_command_reads_the_code_lifetime_from_the_settings(harness):
    settings = replace(harness.settings, enrollment_code_ttl=timedelta(hours=2))
    code = admin.create_enrollment_code(settings, clock=harness.clock)
    harness.clock.advance(hours=2, seconds=1)
    answer = harness.client.post(f"{API}/enroll", json=make_device(seed=9).enroll_request(code))
    assert answer.status_code == 403
