"""Ingest: accepted, duplicate, conflict, every rejection reason, gaps, signed receipts."""

import base64
import gzip
import uuid

from sync.canonical import canonical_bytes
from sync.crypto import b64encode, verify
from sync.records import envelope_header, seal_record, sign_record
from tests.server.conftest import API
from tests.support.devices import make_device


def _statuses(results):
    return [(r["status"], r.get("reason")) for r in results]


def test_accepted_then_duplicate_with_a_signed_receipt(harness, admin_headers):
    device = harness.device(admin_headers, seed=1)
    envelopes = device.envelopes(5)
    answer = harness.client.post(
        f"{API}/submissions", json={"envelopes": envelopes}, headers=device.auth
    ).json()
    assert [r["status"] for r in answer["results"]] == ["accepted"] * 5
    assert [r["record_id"] for r in answer["results"]] == [e["header"]["record_id"] for e in envelopes]
    receipt = base64.b64decode(answer["receipt_signature"])
    assert verify(device.server_sign_key, canonical_bytes(answer["results"]), receipt)
    # a retry (resealed: the ciphertext differs, the signed bytes are the same) is a duplicate
    resealed = [device.seal(signed, header) for signed, header in device.signed]
    assert [r["status"] for r in harness.submit(device, resealed)] == ["duplicate"] * 5
    assert harness.report_count() == 5


def test_gzip_bodies_are_accepted(harness, admin_headers):
    device = harness.device(admin_headers, seed=2)
    body = gzip.compress(canonical_bytes({"envelopes": device.envelopes(3)}))
    answer = harness.client.post(
        f"{API}/submissions",
        content=body,
        headers={**device.auth, "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert answer.status_code == 200
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * 3


def test_same_id_with_other_content_is_a_conflict(harness, admin_headers):
    device = harness.device(admin_headers, seed=3)
    record = device.record()
    harness.submit(device, [device.seal(*device.sign_next(record))])
    device.seq, device.prev_hash = 0, None  # the same id and seq, other content
    changed = device.seal(*device.sign_next({**record, "description": "edited afterwards"}))
    assert _statuses(harness.submit(device, [changed])) == [
        ("rejected", "conflict: a different record with this id was already received")
    ]
    assert harness.report_count() == 1


def test_repeats_inside_one_batch(harness, admin_headers):
    device = harness.device(admin_headers, seed=4)
    first = device.envelopes(1)[0]
    again = device.seal(*device.signed[0])
    results = harness.submit(device, [first, again])
    assert [r["status"] for r in results] == ["accepted", "duplicate"]


def test_every_rejection_keeps_its_place_and_stores_nothing(harness, admin_headers):
    device = harness.device(admin_headers, seed=5)
    stranger = make_device(seed=6)  # never enrolled
    good = device.envelopes(1)[0]

    # signed by another key
    record = device.record()
    forged_signed = sign_record(
        record, device_id=device.device_id, seq=2, prev_hash="0" * 64, private_key=stranger.private_key
    )
    forged = seal_record(
        forged_signed,
        envelope_header(record_id=record["id"], device_id=device.device_id, seq=2),
        device.server_seal_key,
    )
    # one byte of the ciphertext changed
    tampered = device.envelopes(1)[0]
    raw = bytearray(base64.b64decode(tampered["sealed"]))
    raw[-5] ^= 1
    tampered["sealed"] = b64encode(bytes(raw))
    # a header moved onto another body (the seal's associated data no longer matches)
    a, b = device.envelopes(2)
    swapped = {"header": a["header"], "sealed": b["sealed"]}
    # a header that matches its seal but not the signed body inside
    inner = device.record()
    signed = sign_record(
        inner, device_id=device.device_id, seq=9, prev_hash="1" * 64, private_key=device.private_key
    )
    lying_header = envelope_header(record_id=str(uuid.uuid4()), device_id=device.device_id, seq=9)
    lying = seal_record(signed, lying_header, device.server_seal_key)
    # signed and sealed properly, but not a record the server can read
    malformed = device.seal(*device.sign_next(device.record(kind="tank_parade")))
    bad_location = device.seal(*device.sign_next(device.record(location={"lat": 123, "lon": 0})))
    # bad base64 that passes the schema's character check
    bad_b64 = {"header": good["header"] | {"record_id": str(uuid.uuid4())}, "sealed": "abc"}
    # another device's envelope on this device's credential
    stranger.server_seal_key = device.server_seal_key
    foreign = stranger.envelopes(1)[0]

    batch = [good, forged, tampered, swapped, lying, malformed, bad_location, bad_b64, foreign]
    results = harness.submit(device, batch)
    assert [r["record_id"] for r in results] == [e["header"]["record_id"] for e in batch]
    reasons = [r.get("reason") for r in results]
    assert results[0]["status"] == "accepted"
    assert all(r["status"] == "rejected" for r in results[1:])
    assert reasons[1] == "bad signature"
    assert reasons[2].startswith("cannot open envelope")
    assert reasons[3].startswith("cannot open envelope")
    assert reasons[4] == "envelope header does not match the signed record"
    assert reasons[5] == "malformed record: unknown kind"
    assert reasons[6] == "malformed record: location.lat out of range"
    assert reasons[7] == "invalid base64"
    assert reasons[8] == "envelope belongs to another device"
    assert harness.report_count() == 1


def test_unknown_and_revoked_devices_through_a_bundle(harness, admin_headers):
    stranger = make_device(seed=7)
    revoked = harness.device(admin_headers, seed=8)
    stranger.server_seal_key = revoked.server_seal_key
    bundle = {
        "format": "fieldapp-bundle",
        "v": 1,
        "device_id": stranger.device_id,
        "envelopes": stranger.envelopes(2),
    }
    answer = harness.client.post(f"{API}/bundles", json=bundle, headers=admin_headers)
    assert answer.status_code == 200
    assert {(r["status"], r["reason"]) for r in answer.json()["results"]} == {("rejected", "unknown device")}

    envelopes = revoked.envelopes(2)
    harness.client.post(f"{API}/devices/{revoked.device_id}/revoke", headers=admin_headers)
    bundle = {"format": "fieldapp-bundle", "v": 1, "device_id": revoked.device_id, "envelopes": envelopes}
    answer = harness.client.post(f"{API}/bundles", json=bundle, headers=admin_headers)
    assert {(r["status"], r["reason"]) for r in answer.json()["results"]} == {("rejected", "device revoked")}
    assert harness.report_count() == 0


def test_a_bundle_goes_through_the_same_path_as_a_push(harness, admin_headers):
    device = harness.device(admin_headers, seed=9)
    envelopes = device.envelopes(3)
    harness.submit(device, envelopes[:1])
    bundle = {"format": "fieldapp-bundle", "v": 1, "device_id": device.device_id, "envelopes": envelopes}
    answer = harness.client.post(f"{API}/bundles", json=bundle, headers=admin_headers).json()
    assert [r["status"] for r in answer["results"]] == ["duplicate", "accepted", "accepted"]


def test_a_gap_is_recorded_not_rejected_and_closes_when_the_record_arrives(
    harness, admin_headers, verifier_headers
):
    device = harness.device(admin_headers, seed=10)
    first, second, third = device.envelopes(3)
    assert [r["status"] for r in harness.submit(device, [first, third])] == ["accepted", "accepted"]
    third_id = third["header"]["record_id"]
    detail = harness.client.get(f"{API}/reports/{third_id}", headers=verifier_headers).json()
    assert detail["chain"] == {"status": "gap", "previous_record_id": None, "missing_before": 1}
    assert detail["chain_status"] == "gap"
    devices = harness.client.get(f"{API}/devices", headers=verifier_headers).json()
    assert devices[0]["gaps"] == 1 and devices[0]["last_seq"] == 3

    harness.submit(device, [second])
    detail = harness.client.get(f"{API}/reports/{third_id}", headers=verifier_headers).json()
    assert detail["chain"]["status"] == "valid"
    assert detail["chain"]["previous_record_id"] == second["header"]["record_id"]
    assert detail["chain_status"] == "ok"
    assert harness.client.get(f"{API}/devices", headers=verifier_headers).json()[0]["gaps"] == 0


def test_a_broken_chain_is_shown_as_invalid(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=12)
    harness.submit(device, device.envelopes(1))
    device.prev_hash = "f" * 64  # claims a previous record the server never had
    envelope = device.envelopes(1)[0]
    assert harness.submit(device, [envelope])[0]["status"] == "accepted"
    detail = harness.client.get(
        f"{API}/reports/{envelope['header']['record_id']}", headers=verifier_headers
    ).json()
    assert detail["chain"]["status"] == "invalid"
    assert detail["signature"] == {"valid": True, "body_hash_matches": True}
