"""Forks are evidence (issue 10, point 2) and amendments stay within a device (point 3).

A device that signs two different records for one place in its chain (same sequence number,
or naming the same previous hash) has equivocated: both records are kept, and both, and the
device, are shown as forked wherever the chain is shown — never as valid. A record may amend
only an earlier record of its own device.
"""

import csv
import io

from tests.server.conftest import API


def _get(harness, headers, path, **params):
    answer = harness.client.get(f"{API}{path}", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer


def _fork_views(harness, headers, record_id):
    """What a verifier sees of one record: queue row, detail, CSV row, GeoJSON feature."""
    queue = {i["record_id"]: i for i in _get(harness, headers, "/reports", limit=200).json()["items"]}
    detail = _get(harness, headers, f"/reports/{record_id}").json()
    rows = {
        r["record_id"]: r
        for r in csv.DictReader(io.StringIO(_get(harness, headers, "/exports/csv").text.lstrip("\ufeff")))
    }
    features = {f["id"]: f for f in _get(harness, headers, "/exports/geojson").json()["features"]}
    return queue[record_id], detail, rows[record_id], features[record_id]["properties"]


def _assert_forked(harness, headers, record_id, other_ids):
    row, detail, csv_row, properties = _fork_views(harness, headers, record_id)
    assert row["chain_status"] == "fork"
    assert detail["chain_status"] == "fork" and detail["chain"]["status"] == "fork"
    assert sorted(detail["fork"]["records"]) == sorted(other_ids)
    assert csv_row["chain_status"] == "fork" and properties["chain_status"] == "fork"


def _device_row(harness, headers, device_id):
    return next(d for d in _get(harness, headers, "/devices").json() if d["device_id"] == device_id)


def test_two_records_with_one_sequence_number_are_both_kept_and_flagged(
    harness, admin_headers, verifier_headers
):
    device = harness.device(admin_headers, seed=1)
    first, second = device.envelopes(2)
    harness.submit(device, [first, second])
    device.seq, device.prev_hash = 1, device.signed[0][0].hash  # sign another record as link 2
    other = device.envelopes(1)[0]
    assert harness.submit(device, [other])[0]["status"] == "accepted"  # evidence, not a duplicate
    assert harness.report_count() == 3
    two, other_id = second["header"]["record_id"], other["header"]["record_id"]
    _assert_forked(harness, verifier_headers, two, [other_id])
    _assert_forked(harness, verifier_headers, other_id, [two])
    first_detail = _get(harness, verifier_headers, f"/reports/{first['header']['record_id']}").json()
    assert first_detail["chain"]["status"] == "valid" and first_detail["fork"] is None
    assert _device_row(harness, verifier_headers, device.device_id)["forks"] == 2


def test_two_records_naming_one_previous_hash_are_a_fork_even_with_other_numbers(
    harness, admin_headers, verifier_headers
):
    device = harness.device(admin_headers, seed=2)
    first, second = device.envelopes(2)
    device.seq, device.prev_hash = 6, device.signed[0][0].hash  # link 7 claims to follow link 1
    late = device.envelopes(1)[0]
    results = harness.submit(device, [first, second, late])  # one batch: found inside it too
    assert [r["status"] for r in results] == ["accepted"] * 3
    _assert_forked(harness, verifier_headers, second["header"]["record_id"], [late["header"]["record_id"]])
    _assert_forked(harness, verifier_headers, late["header"]["record_id"], [second["header"]["record_id"]])


def test_a_fork_at_the_first_link_is_flagged(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=3)
    one = device.envelopes(1)[0]
    device.seq, device.prev_hash = 0, None
    again = device.envelopes(1)[0]
    harness.submit(device, [one])
    harness.submit(device, [again])
    _assert_forked(harness, verifier_headers, one["header"]["record_id"], [again["header"]["record_id"]])


def test_a_second_signed_version_of_one_record_is_refused_but_kept_as_evidence(
    harness, admin_headers, verifier_headers
):
    device = harness.device(admin_headers, seed=4)
    record = device.record()
    original = device.seal(*device.sign_next(record))
    harness.submit(device, [original])
    device.seq, device.prev_hash = 0, None
    edited = device.seal(*device.sign_next({**record, "description": "edited afterwards"}))
    result = harness.submit(device, [edited])[0]
    assert result["status"] == "rejected" and result["reason"].startswith("conflict")
    assert harness.report_count() == 1
    detail = _get(harness, verifier_headers, f"/reports/{record['id']}").json()
    assert detail["chain_status"] == "fork" and detail["chain"]["status"] == "fork"
    assert [v["body_hash"] for v in detail["fork"]["other_versions"]] == [device.signed[-1][0].hash]
    assert detail["record"]["description"] == record["description"]  # the first version stays
    assert _device_row(harness, verifier_headers, device.device_id)["forks"] == 1


def test_another_device_reusing_a_record_id_does_not_smear_the_owner(
    harness, admin_headers, verifier_headers
):
    owner, hostile = harness.device(admin_headers, seed=5), harness.device(admin_headers, seed=6)
    record = owner.record()
    harness.submit(owner, [owner.seal(*owner.sign_next(record))])
    copy = hostile.seal(*hostile.sign_next({**record, "description": "not what they saw"}))
    assert harness.submit(hostile, [copy])[0]["status"] == "rejected"
    detail = _get(harness, verifier_headers, f"/reports/{record['id']}").json()
    assert detail["chain"]["status"] == "valid" and detail["fork"] is None
    assert _device_row(harness, verifier_headers, owner.device_id)["forks"] == 0


def test_a_filled_gap_does_not_hide_a_fork(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=7)
    first, second, third = device.envelopes(3)
    device.seq, device.prev_hash = 2, device.signed[1][0].hash
    third_again = device.envelopes(1)[0]
    harness.submit(device, [first, third, third_again])  # both link 3s wait for link 2
    harness.submit(device, [second])
    for envelope in (third, third_again):
        detail = _get(harness, verifier_headers, f"/reports/{envelope['header']['record_id']}").json()
        assert detail["chain_status"] == "fork" and detail["chain"]["status"] == "fork"


# -- amends stays within a device (point 3) ----------------------------------------------


def test_a_record_cannot_amend_another_devices_record(harness, admin_headers, verifier_headers):
    owner, hostile = harness.device(admin_headers, seed=8), harness.device(admin_headers, seed=9)
    target = owner.record()
    harness.submit(owner, [owner.seal(*owner.sign_next(target))])
    amending = hostile.seal(*hostile.sign_next(hostile.record(amends=target["id"])))
    result = harness.submit(hostile, [amending])[0]
    assert (result["record_id"], result["status"], result["reason"]) == (
        amending["header"]["record_id"],
        "rejected",
        "amends a record of another device",
    )
    detail = _get(harness, verifier_headers, f"/reports/{target['id']}").json()
    assert detail["amended_by"] == []


def test_amending_a_later_record_or_itself_is_refused(harness, admin_headers):
    device = harness.device(admin_headers, seed=10)
    first = device.record()
    later = device.record()
    harness.submit(device, [device.seal(*device.sign_next(first)), device.seal(*device.sign_next(later))])
    device.seq, device.prev_hash = 0, None  # a record placed before both, amending the later one
    early = device.seal(*device.sign_next(device.record(amends=later["id"])))
    own = device.record()
    own["amends"] = own["id"]
    device.seq, device.prev_hash = 2, device.signed[1][0].hash
    itself = device.seal(*device.sign_next(own))
    results = harness.submit(device, [early, itself])
    assert [(r["status"], r["reason"]) for r in results] == [
        ("rejected", "amends a record that is not earlier in this device's chain"),
        ("rejected", "a record cannot amend itself"),
    ]


def test_an_amendment_that_arrives_before_another_devices_target_is_flagged(
    harness, admin_headers, verifier_headers
):
    owner, hostile = harness.device(admin_headers, seed=11), harness.device(admin_headers, seed=12)
    target = owner.record()
    amending = hostile.record(amends=target["id"])
    assert harness.submit(hostile, [hostile.seal(*hostile.sign_next(amending))])[0]["status"] == "accepted"
    harness.submit(owner, [owner.seal(*owner.sign_next(target))])
    flagged = _get(harness, verifier_headers, f"/reports/{amending['id']}").json()
    assert flagged["amends_invalid"] is True
    assert flagged["amends_problem"] == "the record it amends belongs to another device"
    assert _get(harness, verifier_headers, f"/reports/{target['id']}").json()["amended_by"] == []
    rows = csv.DictReader(io.StringIO(_get(harness, verifier_headers, "/exports/csv").text.lstrip("\ufeff")))
    assert {r["record_id"]: r["amends_invalid"] for r in rows}[amending["id"]] == "true"


def test_an_amendment_within_the_device_is_linked(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=13)
    target = device.record()
    correction = device.record(amends=target["id"])
    target_envelope = device.seal(*device.sign_next(target))
    harness.submit(device, [device.seal(*device.sign_next(correction))])  # link 2 arrives first
    harness.submit(device, [target_envelope])
    detail = _get(harness, verifier_headers, f"/reports/{correction['id']}").json()
    assert detail["amends_invalid"] is False and detail["amends_problem"] is None
    assert _get(harness, verifier_headers, f"/reports/{target['id']}").json()["amended_by"] == [
        correction["id"]
    ]
