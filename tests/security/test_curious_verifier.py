"""A curious verifier (or a stolen verifier token): everything a verifier may read carries no
secret, administrators' routes and the login audit stay closed, device routes refuse the token,
and what a verifier writes to a device (a reason, a question) must be text a device can store."""

from tests.security.conftest import API

SECRET_KEYS = {
    "credential",
    "credential_hash",
    "password",
    "password_hash",
    "token",
    "token_hash",
    "private_key",
}


def _keys(value):
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_a_verifier_reads_no_secrets_and_reaches_no_admin_route(target):
    device = target.enrolled(seed=20)
    record_id = target.push(device, device.envelopes(1))[0]["record_id"]
    for path in ["/reports", "/devices", f"/reports/{record_id}", f"/reports/{record_id}/audit", "/auth/me"]:
        answer = target.http.get(f"{API}{path}", headers=target.verifier)
        assert answer.status_code == 200, (path, answer.text)
        assert not _keys(answer.json()) & SECRET_KEYS, path
    closed = [
        ("GET", "/users"),
        ("GET", "/login-events"),
        ("POST", "/users/root/unlock"),
        ("POST", "/enrollment-codes"),
        ("POST", f"/devices/{device.device_id}/revoke"),
        ("GET", "/devices/me/updates"),
        ("POST", "/submissions"),
    ]
    for method, path in closed:
        answer = target.http.request(method, f"{API}{path}", headers=target.verifier, json={})
        assert answer.status_code == 403, (method, path, answer.status_code)


def test_a_verifiers_reason_must_be_text_a_device_can_store(target):
    device = target.enrolled(seed=21)
    record_id = target.push(device, device.envelopes(1))[0]["record_id"]
    answer = target.http.post(
        f"{API}/reports/{record_id}/decision",
        content=b'{"state": "needs_info", "reason": "where \\ud800 exactly?"}',
        headers={**target.verifier, "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    updates = target.http.get(f"{API}/devices/me/updates", headers=device.auth).json()["updates"]
    assert [u["state"] for u in updates] == ["received"]
