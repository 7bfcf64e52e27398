"""An enrolled device turned hostile (a cloned phone, a tampered app, a stolen key): it signs
whatever it likes. Against a real server: forks are kept and shown (point 2), amendments of
other devices' records refused or flagged (point 3), poisoned bodies refused while the rest of
the batch goes through, and nothing it sends makes a verifier route fail (point 4)."""

from tests.security.conftest import API

VERIFIER_READS = [
    "/reports?limit=200",
    "/reports/counts",
    "/devices",
    "/exports/csv",
    "/exports/geojson",
    "/exports/zip",
]


def _reads(target, record_ids):
    paths = list(VERIFIER_READS)
    for record_id in record_ids:
        paths += [
            f"/reports/{record_id}",
            f"/reports/{record_id}/corroboration",
            f"/reports/{record_id}/attachments",
        ]
    return {path: target.http.get(f"{API}{path}", headers=target.verifier) for path in paths}


def test_a_fork_is_kept_and_shown_on_both_records_and_the_device(target):
    device = target.enrolled(seed=1)
    first, second = device.envelopes(2)
    device.seq, device.prev_hash = 1, device.signed[0][0].hash
    twin = device.envelopes(1)[0]
    assert [r["status"] for r in target.push(device, [first, second])] == ["accepted"] * 2
    assert target.push(device, [twin])[0]["status"] == "accepted"
    ids = [second["header"]["record_id"], twin["header"]["record_id"]]
    answers = _reads(target, ids)
    assert {p: a.status_code for p, a in answers.items() if a.status_code != 200} == {}
    for record_id, other in (ids, ids[::-1]):
        detail = answers[f"/reports/{record_id}"].json()
        assert detail["chain"]["status"] == "fork" and detail["fork"]["records"] == [other]
    queue = {i["record_id"]: i["chain_status"] for i in answers["/reports?limit=200"].json()["items"]}
    assert [queue[i] for i in ids] == ["fork", "fork"]
    devices = {d["device_id"]: d for d in answers["/devices"].json()}
    assert devices[device.device_id]["forks"] == 2


def test_it_cannot_correct_another_devices_report(target):
    honest, hostile = target.enrolled(seed=2), target.enrolled(seed=3)
    report = honest.record()
    target.push(honest, [honest.seal(*honest.sign_next(report))])
    forged = hostile.seal(
        *hostile.sign_next(hostile.record(amends=report["id"], description="they withdrew"))
    )
    result = target.push(hostile, [forged])[0]
    assert (result["status"], result["reason"]) == ("rejected", "amends a record of another device")
    detail = target.http.get(f"{API}/reports/{report['id']}", headers=target.verifier).json()
    assert detail["amended_by"] == []


def test_poisoned_bodies_are_refused_and_the_rest_goes_through(target):
    device = target.enrolled(seed=4)
    poisons = [
        lambda t: t.replace('"personnel": 40', '"personnel": NaN'),
        lambda t: t.replace("convoy number", "convoy \\udfff number"),
        lambda t: t.replace('"from_place": "A"', '"from_place": ' + "[" * 5000 + "]" * 5000),
    ]
    envelopes = []
    for poison in poisons:
        envelopes += device.envelopes(1)
        record = device.record()
        envelopes.append(device.raw_envelope(device.raw_body(record, poison), record_id=record["id"]))
        device.seq, device.prev_hash = device.seq - 1, device.signed[-2][0].hash
    results = target.push(device, envelopes)
    assert [r["status"] for r in results] == ["accepted", "rejected"] * 3
    assert all(r["reason"].startswith("malformed record") for r in results if r["status"] == "rejected")
    answers = _reads(target, [r["record_id"] for r in results if r["status"] == "accepted"])
    assert {p: a.status_code for p, a in answers.items() if a.status_code != 200} == {}
