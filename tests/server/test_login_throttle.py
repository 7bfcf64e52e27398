"""Login throttling (issue 10, point 5): failed sign-ins are limited per account and per client
address with an exponential delay after 5 failures (429 + Retry-After), audited, visible to
administrators, and no answer or code path tells a known user name from an unknown one."""

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from server import accounts, secrets
from server.models import LoginEvent
from tests.server.conftest import API, PASSWORD

WRONG = "not the password at all"


def _login(client, username, password=WRONG):
    return client.post(f"{API}/auth/login", json={"username": username, "password": password})


def _outcome(answer):
    return answer.status_code, answer.json()["detail"], answer.headers.get("retry-after")


def _make_account(harness, username, role="verifier"):
    with harness.ctx.transaction() as session:
        accounts.create_user(
            session, harness.settings, clock=harness.clock, username=username, password=PASSWORD, role=role
        )


def test_five_failures_then_429_with_retry_after_growing_exponentially(harness):
    _make_account(harness, "vera")
    for _ in range(4):
        assert _login(harness.client, "vera").status_code == 401
    fifth = _login(harness.client, "vera")
    assert fifth.status_code == 401  # the fifth failure starts the delay
    locked = _login(harness.client, "vera", PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) == 15
    assert "try again in 15 s" in locked.json()["detail"]
    harness.clock.advance(seconds=15)
    assert _login(harness.client, "vera").status_code == 401  # sixth failure: twice as long
    assert int(_login(harness.client, "vera").headers["retry-after"]) == 30
    harness.clock.advance(seconds=30)
    assert _login(harness.client, "vera", PASSWORD).status_code == 200  # success resets the account
    for _ in range(4):
        assert _login(harness.client, "vera").status_code == 401
    assert _login(harness.client, "vera", PASSWORD).status_code == 200


def test_a_known_and_an_unknown_name_get_the_same_answers_and_the_same_work(harness, monkeypatch):
    _make_account(harness, "vera")
    calls = []
    real = secrets._scrypt
    monkeypatch.setattr(secrets, "_scrypt", lambda *a: calls.append(1) or real(*a))

    def attempts(username):
        seen = []
        for _ in range(7):
            calls.clear()
            seen.append((*_outcome(_login(harness.client, username)), len(calls)))
        return seen

    known, unknown = attempts("vera"), attempts("nobody-here")
    assert known == unknown
    assert [status for status, *_ in known] == [401] * 5 + [429] * 2
    assert [work for *_, work in known] == [1] * 5 + [0] * 2  # one password hash each, none when throttled


def test_many_names_from_one_address_lock_that_address_only(harness):
    _make_account(harness, "vera")
    for n in range(20):
        assert _login(harness.client, f"guess{n}").status_code == 401
    spraying = _login(harness.client, "vera", PASSWORD)
    assert spraying.status_code == 429 and int(spraying.headers["retry-after"]) == 15
    elsewhere = TestClient(harness.app, client=("192.0.2.7", 40000))
    assert _login(elsewhere, "vera", PASSWORD).status_code == 200


def test_a_successful_sign_in_does_not_count_against_the_address(harness):
    _make_account(harness, "vera")
    for _ in range(30):  # a busy office behind one address
        assert _login(harness.client, "vera", PASSWORD).status_code == 200


def test_locked_accounts_are_shown_to_administrators_audited_and_can_be_unlocked(harness, admin_headers):
    _make_account(harness, "vera")
    for _ in range(6):
        _login(harness.client, "vera")
    users = {u["username"]: u for u in harness.client.get(f"{API}/users", headers=admin_headers).json()}
    assert users["vera"]["failed_logins"] == 5
    assert users["vera"]["locked_until"].startswith("2026-03-02T12:00:15")
    assert users["root"]["failed_logins"] == 0 and users["root"]["locked_until"] is None
    events = harness.client.get(f"{API}/login-events", params={"username": "vera"}, headers=admin_headers)
    assert events.status_code == 200
    outcomes = [(e["outcome"], e["address"]) for e in events.json()]
    assert outcomes == [("failed", "testclient")] * 5  # newest first; the refused sixth is not a guess
    assert events.json()[0]["locked_until"] and events.json()[-1]["locked_until"] is None
    unlocked = harness.client.post(f"{API}/users/vera/unlock", headers=admin_headers)
    assert unlocked.status_code == 200 and unlocked.json()["locked_until"] is None
    assert _login(harness.client, "vera", PASSWORD).status_code == 200
    latest = harness.client.get(f"{API}/login-events", params={"limit": 2}, headers=admin_headers).json()
    assert [(e["outcome"], e["username"]) for e in latest] == [("ok", "vera"), ("unlocked", "vera")]
    assert latest[1]["actor"] == "root"


def test_the_audit_and_unlock_are_for_administrators_only(harness):
    headers = harness.make_user("vic", "verifier")
    assert harness.client.get(f"{API}/login-events", headers=headers).status_code == 403
    assert harness.client.post(f"{API}/users/vic/unlock", headers=headers).status_code == 403


def test_the_login_audit_is_append_only(harness):
    _login(harness.client, "anyone")
    for statement in (sa.update(LoginEvent).values(outcome="ok"), sa.delete(LoginEvent)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), harness.ctx.transaction() as session:
            session.execute(statement)
    with harness.ctx.transaction() as session:
        assert session.scalars(sa.select(LoginEvent.outcome)).all() == ["failed"]
