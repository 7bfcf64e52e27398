"""Enrolment: one-time codes, expiry, key/id binding, proof of possession, re-enrolment, revocation."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from server import admin
from sync.crypto import b64decode, b64encode, device_id_for
from tests.server.conftest import API
from tests.support.devices import fetch_challenge, make_device


def _request(harness, device, code, **changes):
    return {**device.enroll_request(code, fetch_challenge(harness.client)), **changes}


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
    assert harness.client.post(f"{API}/enroll", json=_request(harness, first, code)).status_code == 200
    again = harness.client.post(f"{API}/enroll", json=_request(harness, second, code))
    assert again.status_code == 403
    assert "not valid" in again.json()["detail"]


def test_an_expired_code_is_refused(harness, admin_headers):
    code = harness.enrollment_code(admin_headers, expires_hours=1)
    harness.clock.advance(hours=1, seconds=1)
    answer = harness.client.post(f"{API}/enroll", json=_request(harness, make_device(seed=3), code))
    assert answer.status_code == 403


def test_code_typed_in_lower_case_without_dashes_still_works(harness, admin_headers):
    code = harness.enrollment_code(admin_headers).replace("-", "").lower()
    answer = harness.client.post(f"{API}/enroll", json=_request(harness, make_device(seed=4), code))
    assert answer.status_code == 200


def test_device_id_must_belong_to_the_public_key(harness, admin_headers):
    code = harness.enrollment_code(admin_headers)
    request = _request(harness, make_device(seed=5), code, device_id=make_device(seed=6).device_id)
    answer = harness.client.post(f"{API}/enroll", json=request)
    assert answer.status_code == 422
    # the refused attempt did not use the code up
    answer = harness.client.post(f"{API}/enroll", json=_request(harness, make_device(seed=5), code))
    assert answer.status_code == 200


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
        f"{API}/enroll", json=_request(harness, device, harness.enrollment_code(admin_headers))
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
    answer = harness.client.post(f"{API}/enroll", json=_request(harness, make_device(seed=9), code))
    assert answer.status_code == 403 and "not valid" in answer.json()["detail"]


# -- proof of possession: a public key alone enrols nothing (issue 10, point 1) -----------


def _still_works(harness, device) -> bool:
    return harness.client.get(f"{API}/devices/me/updates", headers=device.auth).status_code == 200


def test_a_public_key_and_a_spare_code_do_not_take_over_an_enrolled_device(harness, admin_headers):
    victim = harness.device(admin_headers, seed=21)
    spare = harness.enrollment_code(admin_headers)
    # What the attacker has: the victim's id and public key (in clear in its vault file), and a code.
    hijack = {"code": spare, "device_id": victim.device_id, "public_key": victim.public_key_b64}
    answer = harness.client.post(f"{API}/enroll", json={**hijack, "label": "mine now"})
    assert answer.status_code in (403, 422), answer.text
    assert "credential" not in answer.json()
    # Signed with the attacker's own key over the real challenge: still refused.
    attacker = make_device(seed=22)
    forged = _request(harness, attacker, spare, device_id=victim.device_id, public_key=victim.public_key_b64)
    answer = harness.client.post(f"{API}/enroll", json=forged)
    assert answer.status_code == 403, answer.text
    assert "signed" in answer.json()["detail"]
    assert _still_works(harness, victim)  # its credential is intact
    # The refusals did not use the code up: a real device can still enrol with it.
    assert harness.client.post(f"{API}/enroll", json=_request(harness, attacker, spare)).status_code == 200


def test_the_signature_binds_the_code_the_server_and_the_challenge(harness, admin_headers):
    device = make_device(seed=23)
    code, other_code = harness.enrollment_code(admin_headers), harness.enrollment_code(admin_headers)
    challenge = fetch_challenge(harness.client)
    signed_for_other_code = {**device.enroll_request(other_code, challenge), "code": code}
    other_server = {**challenge, "server_sign_key": b64encode(make_device(seed=24).public_key)}
    signed_for_other_server = device.enroll_request(code, other_server)
    fresh = fetch_challenge(harness.client)
    swapped_nonce = {**device.enroll_request(code, challenge), "nonce": fresh["nonce"]}
    for body in (signed_for_other_code, signed_for_other_server, swapped_nonce):
        answer = harness.client.post(f"{API}/enroll", json=body)
        assert answer.status_code == 403, answer.text
    # A nonce the server did not make is refused the same way.
    made_up = device.enroll_request(code, {**challenge, "nonce": "A" * len(challenge["nonce"])})
    assert harness.client.post(f"{API}/enroll", json=made_up).status_code == 403
    answer = harness.client.post(f"{API}/enroll", json=device.enroll_request(code, challenge))
    assert answer.status_code == 200


def test_a_challenge_expires(harness, admin_headers):
    device = make_device(seed=25)
    code = harness.enrollment_code(admin_headers)
    challenge = fetch_challenge(harness.client)
    harness.clock.advance(minutes=11)
    answer = harness.client.post(f"{API}/enroll", json=device.enroll_request(code, challenge))
    assert answer.status_code == 403 and "challenge" in answer.json()["detail"]
    assert harness.client.post(f"{API}/enroll", json=_request(harness, device, code)).status_code == 200


def test_the_challenge_names_this_server_and_expires_soon(harness):
    challenge = fetch_challenge(harness.client)
    assert challenge["server_sign_key"] == harness.ctx.keys.sign_public_b64
    expires = harness.clock.now + timedelta(minutes=10)
    assert challenge["expires_at"].startswith(expires.strftime("%Y-%m-%dT%H:%M"))
    assert fetch_challenge(harness.client)["nonce"] != challenge["nonce"]
