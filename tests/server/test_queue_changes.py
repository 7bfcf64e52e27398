"""The live queue's poll (GET /reports/changes), the answers threaded under their question,
and reviewer locks as an idle timeout (fake clock)."""

from datetime import timedelta

from server.errors import ConfigurationError
from server.settings import Settings
from tests.server.conftest import API


def _received(harness, device, count=1, **overrides):
    envelopes = device.envelopes(count, **overrides)
    harness.submit(device, envelopes)
    return [e["header"]["record_id"] for e in envelopes]


def _changes(harness, headers, **params):
    answer = harness.client.get(f"{API}/reports/changes", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_changes_count_new_reports_under_the_filters_and_list_decisions(
    harness, admin_headers, verifier_headers
):
    device = harness.device(admin_headers, seed=1)
    first = _received(harness, device, count=2)
    start = _changes(harness, verifier_headers)  # no cursor: the cursor now, nothing new
    assert start["new"] == 0 and start["changed"] == [] and start["counts"]["received"] == 2
    cursor = {"since": start["received_cursor"], "since_event": start["event_cursor"]}
    assert _changes(harness, verifier_headers, **cursor)["new"] == 0

    harness.clock.advance(seconds=5)
    _received(harness, device, count=3)
    harness.clock.advance(seconds=5)
    _received(harness, device, count=1, kind="violation", details={"type": "shelling"})
    now = _changes(harness, verifier_headers, **cursor)
    assert now["new"] == 4 and now["changed"] == [] and now["counts"]["received"] == 6
    assert _changes(harness, verifier_headers, **cursor, kind="violation")["new"] == 1
    assert _changes(harness, verifier_headers, **cursor, state="verified")["new"] == 0

    decided = harness.client.post(
        f"{API}/reports/{first[0]}/decision", json={"state": "verified"}, headers=verifier_headers
    )
    assert decided.status_code == 200
    after = _changes(harness, verifier_headers, **cursor)
    assert after["changed"] == [{"record_id": first[0], "state": "verified"}]
    assert after["counts"]["verified"] == 1 and after["event_cursor"] > start["event_cursor"]
    # from the new cursor, nothing has changed
    moved = {"since": after["received_cursor"], "since_event": after["event_cursor"]}
    again = _changes(harness, verifier_headers, **moved)
    assert again["new"] == 0 and again["changed"] == [] and again["more"] is False


def test_changes_refuse_bad_cursors_and_need_a_verifier(harness, admin_headers, verifier_headers):
    for params in ({"since": "yesterday"}, {"since_event": -1}, {"since_event": "x"}, {"state": "nope"}):
        answer = harness.client.get(f"{API}/reports/changes", params=params, headers=verifier_headers)
        assert answer.status_code == 422, (params, answer.text)
    assert harness.client.get(f"{API}/reports/changes").status_code == 401


def test_an_amendment_answering_a_question_carries_the_question(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=3)
    [original] = _received(harness, device)
    asked = harness.client.post(
        f"{API}/reports/{original}/decision",
        json={"state": "needs_info", "reason": "Which unit was it?"},
        headers=verifier_headers,
    )
    assert asked.status_code == 200
    harness.clock.advance(minutes=30)
    [answer] = _received(harness, device, amends=original, description="It was the 166th battalion")
    [plain] = _received(harness, device)
    page = harness.client.get(f"{API}/reports", headers=verifier_headers).json()
    items = {i["record_id"]: i for i in page["items"]}
    threaded = items[answer]["answers"]
    assert threaded["record_id"] == original and threaded["question"] == "Which unit was it?"
    assert threaded["asked_by"] == "vera" and threaded["state"] == "needs_info"
    assert items[plain]["answers"] is None and items[original]["answers"] is None
    assert items[answer]["description"] == "It was the 166th battalion"


def test_a_lock_lapses_after_the_idle_timeout_and_renewing_keeps_it(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=4)
    [record_id] = _received(harness, device)
    other = harness.make_user("otto", "verifier")
    url = f"{API}/reports/{record_id}/lock"
    idle = harness.settings.lock_idle
    assert harness.client.post(url, headers=verifier_headers).status_code == 200
    # working on it: each renewal (the console's, on activity) pushes the lapse back
    for _ in range(3):
        harness.clock.advance(seconds=idle.total_seconds() - 30)
        assert harness.client.post(url, headers=other).status_code == 409
        assert harness.client.post(url, headers=verifier_headers).status_code == 200
    # idle: the lock lapses and someone else may take it
    harness.clock.advance(seconds=idle.total_seconds() + 1)
    detail = harness.client.get(f"{API}/reports/{record_id}", headers=other).json()
    assert detail["lock"] is None
    assert harness.client.post(url, headers=other).json()["username"] == "otto"
    # a decision releases the lock it needs
    decided = harness.client.post(
        f"{API}/reports/{record_id}/decision", json={"state": "verified"}, headers=other
    )
    assert decided.status_code == 200 and decided.json()["lock"] is None


def test_the_idle_timeout_is_configurable(tmp_path):
    settings = Settings.resolve(data_dir=tmp_path, environ={"FIELDAPP_LOCK_IDLE_MINUTES": "2.5"})
    assert settings.lock_idle == timedelta(minutes=2.5)
    assert Settings.resolve(data_dir=tmp_path, environ={}).lock_idle == timedelta(minutes=10)
    for bad in ("0", "-1", "nan", "soon", "100000"):
        try:
            Settings.resolve(data_dir=tmp_path, environ={"FIELDAPP_LOCK_IDLE_MINUTES": bad})
        except ConfigurationError as exc:
            assert "FIELDAPP_LOCK_IDLE_MINUTES" in str(exc)
        else:
            raise AssertionError(f"{bad!r} accepted")
