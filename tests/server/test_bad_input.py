"""Bad input gets a 4xx with a reason, never a 500, and nothing stored changes."""

import gzip
import json

from tests.server.conftest import API


def _post(harness, device, content, **headers):
    return harness.client.post(
        f"{API}/submissions",
        content=content,
        headers={**device.auth, "Content-Type": "application/json", **headers},
    )


def test_malformed_and_mistyped_submissions(harness, admin_headers):
    device = harness.device(admin_headers, seed=1)
    good = device.envelopes(1)[0]
    bad_bodies = [
        b"{not json",
        b"[]",
        json.dumps({"envelopes": []}).encode(),
        json.dumps({"envelopes": "x"}).encode(),
        json.dumps({"envelopes": [{"header": good["header"], "sealed": 5}]}).encode(),
        json.dumps(
            {"envelopes": [{"header": {**good["header"], "seq": "one"}, "sealed": good["sealed"]}]}
        ).encode(),
        json.dumps(
            {"envelopes": [{"header": {**good["header"], "v": 2}, "sealed": good["sealed"]}]}
        ).encode(),
        json.dumps({"envelopes": [{**good, "extra": 1}]}).encode(),
        json.dumps({"envelopes": [{"header": good["header"], "sealed": "not base64 !!"}]}).encode(),
        json.dumps({"envelopes": [{"header": good["header"], "sealed": "A" * 300_000}]}).encode(),
        json.dumps({"envelopes": [good] * 1001}).encode(),
        json.dumps(
            {"envelopes": [{"header": {**good["header"], "record_id": "x" * 10_000}, "sealed": "AA=="}]}
        ).encode(),
    ]
    for body in bad_bodies:
        answer = _post(harness, device, body)
        assert answer.status_code == 422, (body[:80], answer.status_code)
        assert answer.json()["detail"]
    assert harness.report_count() == 0


def test_oversized_bodies_and_gzip_bombs_are_refused(harness, admin_headers):
    device = harness.device(admin_headers, seed=2)
    limit = harness.settings.max_body_bytes
    assert _post(harness, device, b" " * (limit + 1)).status_code == 413
    bomb = gzip.compress(b" " * (limit * 4), compresslevel=9)
    assert len(bomb) < 100_000
    answer = _post(harness, device, bomb, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 413 and "decompressed" in answer.json()["detail"]
    assert (
        _post(harness, device, b"\x1f\x8bnot gzip at all", **{"Content-Encoding": "gzip"}).status_code == 400
    )
    truncated = gzip.compress(json.dumps({"envelopes": device.envelopes(1)}).encode())[:-10]
    assert _post(harness, device, truncated, **{"Content-Encoding": "gzip"}).status_code == 400
    assert _post(harness, device, b"{}", **{"Content-Encoding": "br"}).status_code == 415
    assert harness.report_count() == 0


def test_bad_query_and_path_values(harness, verifier_headers, admin_headers):
    device = harness.device(admin_headers, seed=3)
    checks = [
        ("GET", "/reports", {"limit": 0}),
        ("GET", "/reports", {"limit": 100000}),
        ("GET", "/reports", {"state": "lost"}),
        ("GET", "/reports", {"observed_from": "yesterday"}),
        ("GET", "/reports", {"bbox": "a,b,c,d"}),
        ("GET", "/reports", {"bbox": "0,0,200,1"}),
        ("GET", "/reports", {"device_id": "x" * 5000}),
        ("GET", "/reports/not-a-uuid", {}),
        ("GET", "/exports/csv", {"kind": "nonsense"}),
    ]
    for method, path, params in checks:
        answer = harness.client.request(method, f"{API}{path}", params=params, headers=verifier_headers)
        assert answer.status_code == 422, (path, params, answer.status_code)
    answer = harness.client.get(f"{API}/devices/me/updates", params={"since": -1}, headers=device.auth)
    assert answer.status_code == 422
    answer = harness.client.post(
        f"{API}/enroll", json={"code": "x" * 100, "device_id": "z", "public_key": "!"}
    )
    assert answer.status_code == 422


def test_errors_never_leak_tracebacks(harness, admin_headers):
    device = harness.device(admin_headers, seed=4)
    answer = _post(harness, device, b'{"envelopes": [{"header": null}]}')
    assert answer.status_code == 422
    assert "Traceback" not in answer.text


def test_every_member_of_a_gzip_body_is_inflated_within_the_bound(harness, admin_headers):
    device = harness.device(admin_headers, seed=5)
    body = json.dumps({"envelopes": device.envelopes(2)}).encode()
    two_members = gzip.compress(body[:100]) + gzip.compress(body[100:])
    answer = _post(harness, device, two_members, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 200 and len(answer.json()["results"]) == 2
    zeros = gzip.compress(b" " * (1024 * 1024), compresslevel=9)
    members = zeros * (harness.settings.max_body_bytes // (1024 * 1024) + 1)  # each small, together over
    answer = _post(harness, device, members, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 413 and "decompressed" in answer.json()["detail"]
    assert _post(harness, device, zeros + b"junk", **{"Content-Encoding": "gzip"}).status_code == 400
