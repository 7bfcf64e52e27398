"""Roles on every route family: 401 without credentials, 403 for the wrong kind or role."""

import pytest

from tests.server.conftest import API, PASSWORD

RID = "00000000-0000-4000-8000-000000000000"
DEVICE_ROUTES = [("GET", "/devices/me/updates"), ("POST", "/submissions")]
VERIFIER_ROUTES = [
    ("GET", "/reports"),
    ("GET", "/reports/counts"),
    ("GET", f"/reports/{RID}"),
    ("POST", f"/reports/{RID}/lock"),
    ("DELETE", f"/reports/{RID}/lock"),
    ("POST", f"/reports/{RID}/decision"),
    ("GET", f"/reports/{RID}/audit"),
    ("GET", f"/reports/{RID}/corroboration"),
    ("GET", "/devices"),
    ("GET", "/exports/geojson"),
    ("GET", "/exports/csv"),
    ("GET", "/auth/me"),
    ("POST", "/auth/logout"),
]
ADMIN_ROUTES = [
    ("GET", "/users"),
    ("POST", "/users"),
    ("PATCH", "/users/someone"),
    ("POST", "/enrollment-codes"),
    ("POST", "/bundles"),
    ("POST", f"/devices/{'a' * 32}/revoke"),
]


def _call(harness, method, path, headers=None):
    return harness.client.request(method, f"{API}{path}", headers=headers or {})


def test_every_protected_route_needs_a_credential(harness):
    for method, path in DEVICE_ROUTES + VERIFIER_ROUTES + ADMIN_ROUTES:
        answer = _call(harness, method, path)
        assert answer.status_code == 401, (method, path, answer.status_code)
        assert answer.headers["www-authenticate"] == "Bearer"
        bogus = _call(harness, method, path, {"Authorization": "Bearer not-a-real-token"})
        assert bogus.status_code == 401, (method, path)


def test_credentials_never_cross_between_devices_and_people(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=1)
    for method, path in VERIFIER_ROUTES + ADMIN_ROUTES:
        assert _call(harness, method, path, device.auth).status_code == 403, (method, path)
    for headers in (verifier_headers, admin_headers):
        for method, path in DEVICE_ROUTES:
            assert _call(harness, method, path, headers).status_code == 403, (method, path)


def test_verifiers_cannot_use_admin_routes(harness, verifier_headers):
    for method, path in ADMIN_ROUTES:
        assert _call(harness, method, path, verifier_headers).status_code == 403, (method, path)


def test_login_by_form_or_json_and_its_failures(harness, admin_headers):
    harness.make_user("vera", "verifier")
    form = harness.client.post(f"{API}/auth/login", data={"username": "vera", "password": PASSWORD})
    assert form.status_code == 200 and form.json()["role"] == "verifier"
    for body in (
        {"username": "vera", "password": "wrong password"},
        {"username": "nobody", "password": PASSWORD},
    ):
        answer = harness.client.post(f"{API}/auth/login", json=body)
        assert answer.status_code == 401 and answer.json() == {"detail": "Wrong username or password."}
    assert (
        harness.client.post(
            f"{API}/auth/login", content=b"{nope", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert harness.client.post(f"{API}/auth/login", json={"username": "vera"}).status_code == 422


def test_tokens_expire_and_logout_ends_them(harness):
    headers = harness.make_user("vera", "verifier")
    assert harness.client.get(f"{API}/auth/me", headers=headers).json() == {
        "username": "vera",
        "role": "verifier",
    }
    harness.clock.advance(hours=12, seconds=1)
    assert harness.client.get(f"{API}/auth/me", headers=headers).status_code == 401
    answer = harness.client.post(f"{API}/auth/login", json={"username": "vera", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {answer.json()['token']}"}
    assert harness.client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    assert harness.client.get(f"{API}/auth/me", headers=headers).status_code == 401


def test_admin_manages_users(harness, admin_headers):
    body = {"username": "new.verifier", "password": "long enough pw", "role": "verifier"}
    created = harness.client.post(f"{API}/users", json=body, headers=admin_headers)
    assert created.status_code == 201 and created.json()["disabled"] is False
    assert harness.client.post(f"{API}/users", json=body, headers=admin_headers).status_code == 409
    short = harness.client.post(
        f"{API}/users", json={**body, "username": "x2", "password": "short"}, headers=admin_headers
    )
    assert short.status_code == 422
    login = harness.client.post(
        f"{API}/auth/login", json={"username": "new.verifier", "password": "long enough pw"}
    )
    token = {"Authorization": f"Bearer {login.json()['token']}"}
    patched = harness.client.patch(
        f"{API}/users/new.verifier", json={"disabled": True}, headers=admin_headers
    )
    assert patched.status_code == 200 and patched.json()["disabled"] is True
    assert harness.client.get(f"{API}/auth/me", headers=token).status_code == 401
    again = harness.client.post(
        f"{API}/auth/login", json={"username": "new.verifier", "password": "long enough pw"}
    )
    assert again.status_code == 401
    assert (
        harness.client.patch(f"{API}/users/root", json={"disabled": True}, headers=admin_headers).status_code
        == 409
    )
    assert (
        harness.client.patch(f"{API}/users/ghost", json={"disabled": True}, headers=admin_headers).status_code
        == 404
    )
    names = [u["username"] for u in harness.client.get(f"{API}/users", headers=admin_headers).json()]
    assert names == ["new.verifier", "root"]


@pytest.mark.parametrize("role", ["verifier", "admin"])
def test_both_roles_review(harness, admin_headers, role):
    headers = admin_headers if role == "admin" else harness.make_user("vera", "verifier")
    assert harness.client.get(f"{API}/reports", headers=headers).status_code == 200
