"""Poison-proof ingest (issue 10, point 4): a validly signed body is still checked for what the
server later encodes, shows or exports; a bad item is rejected with a reason, the rest of the
batch goes through, no verifier route answers 5xx, and a bad row already stored is read around."""

import json
from datetime import timedelta

import pytest

from server.models import Report
from sync.canonical import sha256_hex
from tests.server.conftest import API, START
from tests.support.devices import fetch_challenge, make_device


def swap(old, new, *, raw=False):
    """Replace `old` with `new` in the record's JSON text (`raw`: bytes that are not UTF-8)."""
    if raw:
        return lambda text: text.encode().replace(old.encode(), new)
    return lambda text: text.replace(old, new)


DEEP = "[" * 30 + "1" + "]" * 30
DEEPEST = "[" * 20_000 + "]" * 20_000  # far past the parser's recursion limit
POISONS = {
    "nan": (swap('"personnel": 40', '"personnel": NaN'), "not a finite number"),
    "infinity": (swap('"accuracy_m": 10', '"accuracy_m": -Infinity'), "not a finite number"),
    "overflowing float": (swap('"personnel": 40', '"personnel": 1e400'), "not a finite number"),
    "huge integer": (swap('"personnel": 40', f'"personnel": {2**60}'), "out of range"),
    "lone surrogate": (swap("convoy number", "convoy \\ud800 number"), "surrogate"),
    "lone surrogate key": (swap('"unit":', '"\\udc00unit":'), "surrogate"),
    "not UTF-8": (swap("Test village", b"Test vil\xffage", raw=True), "UTF-8"),
    "nested": (swap('"from_place": "A"', f'"from_place": {DEEP}'), "nested"),
    "recursion": (swap('"from_place": "A"', f'"from_place": {DEEPEST}'), "nested"),
    "long description": (swap("convoy number", "x" * 20_000), "description"),
    "long field": (swap('"3rd brigade"', '"' + "y" * 5_000 + '"'), "details.unit"),
    "long key": (swap('"unit":', '"' + "k" * 500 + '":'), "key"),
}


def _poisoned(device, transform):
    record = device.record()
    return device.raw_envelope(device.raw_body(record, transform), record_id=record["id"])


def _verifier_routes(harness, headers, record_ids):
    """Every read a verifier (or the console) makes; none may answer 5xx."""
    paths = ["/reports", "/reports/counts", "/devices", "/exports/geojson", "/exports/csv", "/exports/zip"]
    paths += ["/reports?state=received&limit=200"]
    for record_id in record_ids:
        paths += [f"/reports/{record_id}", f"/reports/{record_id}/audit"]
        paths += [f"/reports/{record_id}/corroboration", f"/reports/{record_id}/attachments"]
        paths += [f"/reports/{record_id}/evidence"]
    return {path: harness.client.get(f"{API}{path}", headers=headers) for path in paths}


def test_a_poisoned_item_is_rejected_with_a_reason_and_the_batch_goes_on(harness, admin_headers):
    device = harness.device(admin_headers, seed=1)
    envelopes, expected = [], []
    for transform, reason in POISONS.values():
        good = device.envelopes(1)[0]
        envelopes += [good, _poisoned(device, transform)]
        expected += [("accepted", None), ("rejected", reason)]
        # The poisoned item is refused, so the next good record takes its place in the chain.
        device.seq, device.prev_hash = device.seq - 1, device.signed[-2][0].hash
    envelopes += device.envelopes(1)
    expected.append(("accepted", None))
    results = harness.submit(device, envelopes)
    names = [n for name in POISONS for n in ("good", name)] + ["good"]
    for name, result, (status, reason) in zip(names, results, expected, strict=True):
        assert result["status"] == status, (name, result)
        if reason:
            assert result["reason"].startswith("malformed record"), (name, result)
            assert reason in result["reason"], (name, result)
    accepted = [r["record_id"] for r in results if r["status"] == "accepted"]
    assert harness.report_count() == len(accepted) == len(POISONS) + 1
    answers = _verifier_routes(harness, admin_headers, accepted)
    assert {path: a.status_code for path, a in answers.items() if a.status_code != 200} == {}


def test_a_poisoned_bundle_item_is_rejected_and_the_rest_imported(harness, admin_headers):
    device = harness.device(admin_headers, seed=2)
    good = device.envelopes(2)
    bad = _poisoned(device, POISONS["lone surrogate"][0])
    bundle = {"format": "fieldapp-bundle", "v": 1, "device_id": device.device_id, "envelopes": [*good, bad]}
    answer = harness.client.post(f"{API}/bundles", json=bundle, headers=admin_headers)
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["accepted", "accepted", "rejected"]


BAD_STORED_BODIES = {
    "lone surrogate": lambda rec: json.dumps({**rec, "description": "a\ud800b"}).encode(),
    "NaN": lambda rec: json.dumps({**rec, "details": {"personnel": float("nan")}}).encode(),
    "not JSON": lambda rec: b"\x00\xff garbage",
    "deep": lambda rec: b'{"id": "%s", "details": %s}' % (rec["id"].encode(), b"[" * 50_000 + b"]" * 50_000),
    "array": lambda rec: b"[1, 2, 3]",
}


@pytest.mark.parametrize("name", sorted(BAD_STORED_BODIES))
def test_a_bad_row_already_stored_is_read_around_and_flagged(harness, admin_headers, name):
    """As if stored before these checks existed, or edited in the database."""
    device = harness.device(admin_headers, seed=3)
    good_ids = [r["record_id"] for r in harness.submit(device, device.envelopes(2))]
    record = device.record()
    body = BAD_STORED_BODIES[name](record)
    with harness.ctx.transaction() as session:
        session.add(
            Report(
                record_id=record["id"],
                device_id=device.device_id,
                seq=99,
                body=body,
                body_hash=sha256_hex(body),
                signature=b"\0" * 64,
                kind="unit_movement",
                observed_at=START - timedelta(hours=1),
                lat=35.05,
                lon=36.05,
                received_at=START,
            )
        )
    answers = _verifier_routes(harness, admin_headers, [record["id"], *good_ids])
    # A row put in the database by hand is not in the transparency log: its evidence package
    # is refused (409) with a reason; nothing answers 5xx.
    expected = {f"/reports/{record['id']}/evidence": 409}
    assert {path: a.status_code for path, a in answers.items() if a.status_code != 200} == expected
    queue = answers["/reports"].json()["items"]
    flagged = next(item for item in queue if item["record_id"] == record["id"])
    assert flagged["content_problem"] and not flagged["description"]
    assert all(item["content_problem"] is None for item in queue if item["record_id"] != record["id"])
    detail = answers[f"/reports/{record['id']}"].json()
    assert detail["content_problem"] == flagged["content_problem"] and detail["record"] == {}
    assert not detail["signature"]["valid"]
    csv_lines = answers["/exports/csv"].text.splitlines()
    assert len(csv_lines) == 4 and "content_problem" in csv_lines[0]
    features = answers["/exports/geojson"].json()["features"]
    assert {f["id"]: bool(f["properties"]["content_problem"]) for f in features}[record["id"]] is True


DEEP_BODIES = [b"[" * 50_000 + b"]" * 50_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000, b"\xff\xfe{}"]


def test_parse_failures_are_4xx_on_every_route(harness, admin_headers):
    device = harness.device(admin_headers, seed=4)
    record_id = harness.submit(device, device.envelopes(1))[0]["record_id"]
    routes = [
        ("/auth/login", {}),
        ("/enroll", {}),
        ("/submissions", device.auth),
        ("/bundles", admin_headers),
        ("/users", admin_headers),
        ("/enrollment-codes", admin_headers),
        (f"/reports/{record_id}/decision", admin_headers),
    ]
    for path, headers in routes:
        for body in DEEP_BODIES:
            for content_type in ("application/json", "application/x-www-form-urlencoded"):
                answer = harness.client.post(
                    f"{API}{path}", content=body, headers={**headers, "Content-Type": content_type}
                )
                assert 400 <= answer.status_code < 500, (path, body[:10], content_type, answer.text)
                assert answer.json()["detail"]
    photo = f"{API}/attachments/{record_id}/{'a' * 64}?offset=0"
    for body in DEEP_BODIES:
        answer = harness.client.post(photo, content=body, headers=device.auth)
        assert 400 <= answer.status_code < 500, answer.text


def test_text_a_device_or_a_person_sends_must_be_valid_unicode(harness, admin_headers):
    device = make_device(seed=5)
    body = device.enroll_request(harness.enrollment_code(admin_headers), fetch_challenge(harness.client))
    text = json.dumps({**body, "label": "phone SURROGATE"}).replace("SURROGATE", "\\ud800")
    answer = harness.client.post(f"{API}/enroll", content=text, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and "surrogate" in answer.text
    code = json.dumps({"label": "team SURROGATE", "expires_hours": 1}).replace("SURROGATE", "\\udfff")
    answer = harness.client.post(
        f"{API}/enrollment-codes", content=code, headers={**admin_headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert harness.client.get(f"{API}/devices", headers=admin_headers).status_code == 200
