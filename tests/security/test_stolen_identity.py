"""A stranger who read a device's public key (it sits in clear in the phone's vault file) and got
hold of a spare enrolment code (issue 10, point 1): against a real server, the real app's
enrolment, and hand-built requests."""

from fieldapp.services import create_device
from fieldapp.services.enrollment import enroll_device
from fieldapp.services.syncing import run_sync
from fieldapp.vault import FAST_KDF_FOR_TESTS
from tests.security.conftest import API
from tests.support.devices import fetch_challenge, make_device
from tests.sync.live import observations


def test_a_public_key_and_a_spare_code_neither_enrol_nor_displace_the_phone(target, tmp_path):
    phone = create_device(tmp_path / "phone", "the observer's passphrase", kdf=FAST_KDF_FOR_TESTS)
    try:
        phone.record_many(observations(2, seed=1), finalize=True)
        enroll_device(phone, target.url, target.code())  # the real app signs with its private key
        info = phone.device_info()
        spare = target.code()
        attacker = make_device(seed=99)
        attempts = [
            {"code": spare, "device_id": info.device_id, "public_key": info.public_key},
            {
                **attacker.enroll_request(spare, fetch_challenge(target.http)),
                "device_id": info.device_id,
                "public_key": info.public_key,
            },
        ]
        for body in attempts:
            answer = target.http.post(f"{API}/enroll", json=body)
            assert answer.status_code in (403, 422), answer.text
            assert "credential" not in answer.text
        report = run_sync(phone)  # the phone's credential still works, and its records arrive
        assert report.status == "done" and report.sent == 2, report.error
        # the spare code was not used up by the refused attempts
        assert (
            target.http.post(
                f"{API}/enroll", json=attacker.enroll_request(spare, fetch_challenge(target.http))
            ).status_code
            == 200
        )
    finally:
        phone.lock()
