"""Review workflow: queue, decisions with reasons, audit trail, locks, updates, corroboration."""

from datetime import timedelta

from tests.server.conftest import API, START


def _received(harness, admin_headers, count=3, seed=1, **overrides):
    device = harness.device(admin_headers, seed=seed)
    envelopes = device.envelopes(count, **overrides)
    harness.submit(device, envelopes)
    return device, [e["header"]["record_id"] for e in envelopes]


def test_queue_filters_paging_and_counts(harness, admin_headers, verifier_headers):
    device, ids = _received(harness, admin_headers, count=4, seed=1)
    harness.clock.advance(minutes=1)
    _other, other_ids = _received(
        harness, admin_headers, count=2, seed=2, kind="violation", details={"type": "shelling"}
    )

    def get(**params):
        return harness.client.get(f"{API}/reports", params=params, headers=verifier_headers).json()

    page = get(limit=3)
    assert page["total"] == 6 and len(page["items"]) == 3
    assert [i["record_id"] for i in page["items"]] == ids[:3]  # oldest received first
    assert [i["record_id"] for i in get(limit=3, offset=3)["items"]] == [ids[3], *other_ids]
    assert get(kind="violation")["total"] == 2
    assert get(device_id=device.device_id)["total"] == 4
    assert get(bbox="0,0,1,1")["total"] == 0
    assert get(bbox="35.9,34.9,36.2,35.2")["total"] == 6
    assert get(observed_to="2000-01-01T00:00:00Z")["total"] == 0
    harness.client.post(
        f"{API}/reports/{ids[0]}/decision", json={"state": "verified"}, headers=verifier_headers
    )
    assert get(state="verified")["total"] == 1
    assert get(state="received")["counts"] == {
        "received": 5,
        "needs_info": 0,
        "verified": 1,
        "unverifiable": 0,
        "rejected": 0,
    }
    counts = harness.client.get(f"{API}/reports/counts", headers=verifier_headers).json()
    assert counts["received"] == 5
    assert (
        harness.client.get(f"{API}/reports", params={"bbox": "1,2,3"}, headers=verifier_headers).status_code
        == 422
    )


def test_decisions_need_reasons_and_land_in_the_audit_trail_and_the_device_updates(
    harness, admin_headers, verifier_headers
):
    device, ids = _received(harness, admin_headers, count=2)
    url = f"{API}/reports/{ids[0]}/decision"
    for state in ("rejected", "needs_info"):
        answer = harness.client.post(url, json={"state": state}, headers=verifier_headers)
        assert answer.status_code == 422 and "reason" in answer.json()["detail"]
        answer = harness.client.post(url, json={"state": state, "reason": "   "}, headers=verifier_headers)
        assert answer.status_code == 422
    assert harness.client.post(url, json={"state": "received"}, headers=verifier_headers).status_code == 422
    answer = harness.client.post(
        url, json={"state": "needs_info", "reason": "Which unit?"}, headers=verifier_headers
    )
    assert answer.status_code == 200 and answer.json()["state"] == "needs_info"
    harness.clock.advance(minutes=5)
    answer = harness.client.post(
        url, json={"state": "verified", "reason": "matches UAV"}, headers=admin_headers
    )
    assert answer.status_code == 200 and answer.json()["state"] == "verified"

    trail = harness.client.get(f"{API}/reports/{ids[0]}/audit", headers=verifier_headers).json()
    assert [(e["actor"], e["from_state"], e["to_state"], e["reason"]) for e in trail] == [
        ("vera", "received", "needs_info", "Which unit?"),
        ("root", "needs_info", "verified", "matches UAV"),
    ]
    assert trail[1]["at"] > trail[0]["at"]

    updates = harness.client.get(f"{API}/devices/me/updates", headers=device.auth).json()
    assert [(u["record_id"], u["state"], u["message"]) for u in updates["updates"]] == [
        (ids[0], "received", None),
        (ids[1], "received", None),
        (ids[0], "needs_info", "Which unit?"),
        (ids[0], "verified", "matches UAV"),
    ]
    assert updates["more"] is False and updates["cursor"] == updates["updates"][-1]["cursor"]
    cursors = [u["cursor"] for u in updates["updates"]]
    assert cursors == sorted(cursors)


def test_updates_cursor_pages_and_each_device_sees_only_its_own(harness, admin_headers, verifier_headers):
    mine, ids = _received(harness, admin_headers, count=3, seed=1)
    theirs, their_ids = _received(harness, admin_headers, count=2, seed=2)
    first = harness.client.get(f"{API}/devices/me/updates", params={"limit": 2}, headers=mine.auth).json()
    assert [u["record_id"] for u in first["updates"]] == ids[:2] and first["more"] is True
    rest = harness.client.get(
        f"{API}/devices/me/updates", params={"since": first["cursor"], "limit": 2}, headers=mine.auth
    ).json()
    assert [u["record_id"] for u in rest["updates"]] == ids[2:] and rest["more"] is False
    empty = harness.client.get(
        f"{API}/devices/me/updates", params={"since": rest["cursor"]}, headers=mine.auth
    )
    assert empty.json() == {"updates": [], "cursor": rest["cursor"], "more": False}
    harness.client.post(
        f"{API}/reports/{their_ids[0]}/decision",
        json={"state": "rejected", "reason": "dup"},
        headers=verifier_headers,
    )
    again = harness.client.get(
        f"{API}/devices/me/updates", params={"since": rest["cursor"]}, headers=mine.auth
    )
    assert again.json()["updates"] == []
    theirs_updates = harness.client.get(f"{API}/devices/me/updates", headers=theirs.auth).json()["updates"]
    assert {u["record_id"] for u in theirs_updates} == set(their_ids)


def test_reviewer_locks(harness, admin_headers, verifier_headers):
    _, ids = _received(harness, admin_headers, count=1)
    other = harness.make_user("otto", "verifier")
    lock_url, decide_url = f"{API}/reports/{ids[0]}/lock", f"{API}/reports/{ids[0]}/decision"
    taken = harness.client.post(lock_url, headers=verifier_headers)
    assert taken.status_code == 200 and taken.json()["username"] == "vera"
    assert taken.json()["expires_at"] == (START + timedelta(minutes=10)).isoformat().replace("+00:00", "Z")
    assert harness.client.post(lock_url, headers=verifier_headers).status_code == 200  # refresh
    assert harness.client.post(lock_url, headers=other).status_code == 409
    refused = harness.client.post(decide_url, json={"state": "verified"}, headers=other)
    assert refused.status_code == 409 and "vera" in refused.json()["detail"]
    detail = harness.client.get(f"{API}/reports/{ids[0]}", headers=other).json()
    assert detail["lock"]["username"] == "vera" and detail["state"] == "received"
    # releasing someone else's lock does nothing
    assert harness.client.delete(lock_url, headers=other).status_code == 204
    assert harness.client.post(lock_url, headers=other).status_code == 409
    # it expires
    harness.clock.advance(minutes=10, seconds=1)
    assert harness.client.post(lock_url, headers=other).json()["username"] == "otto"
    assert harness.client.delete(lock_url, headers=other).status_code == 204
    # a free report: the decision takes the lock implicitly and releases it
    assert (
        harness.client.post(decide_url, json={"state": "verified"}, headers=verifier_headers).status_code
        == 200
    )
    assert harness.client.get(f"{API}/reports/{ids[0]}", headers=other).json()["lock"] is None
    assert (
        harness.client.post(
            f"{API}/reports/{'0' * 8}-0000-0000-0000-{'0' * 12}/lock", headers=other
        ).status_code
        == 404
    )


def test_detail_flags_clock_skew_and_links_amendments(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=3)
    on_time = device.record(recorded_at=(START - timedelta(minutes=2)).isoformat())
    late = device.record(recorded_at=(START - timedelta(hours=3)).isoformat(), amends=on_time["id"])
    harness.submit(device, [device.seal(*device.sign_next(on_time)), device.seal(*device.sign_next(late))])
    first = harness.client.get(f"{API}/reports/{on_time['id']}", headers=verifier_headers).json()
    second = harness.client.get(f"{API}/reports/{late['id']}", headers=verifier_headers).json()
    assert first["clock_skew"] == {"seconds": 120.0, "flagged": False}
    assert second["clock_skew"] == {"seconds": 3 * 3600.0, "flagged": True}
    assert first["amended_by"] == [late["id"]] and second["amends"] == on_time["id"]
    assert first["record"]["description"] == on_time["description"]
    assert first["signature"] == {"valid": True, "body_hash_matches": True}


def test_corroboration_finds_related_reports_near_in_place_and_time(harness, admin_headers, verifier_headers):
    at = START - timedelta(hours=5)
    place = {"lat": 35.0, "lon": 36.0, "accuracy_m": 10, "source": "gps"}
    base = harness.device(admin_headers, seed=1)
    near, far, late, unrelated = (harness.device(admin_headers, seed=s) for s in (2, 3, 4, 5))

    def send(device, **fields):
        record = device.record(**{"observed_at": at.isoformat(), "location": place, **fields})
        harness.submit(device, [device.seal(*device.sign_next(record))])
        return record["id"]

    target = send(base, kind="violation", details={"type": "shelling"})
    same_device = send(base, kind="violation", details={"type": "shelling"})
    close = send(near, kind="heavy_weapons", location={**place, "lat": 35.05}, details={"system": "D-30"})
    send(far, kind="violation", location={**place, "lat": 36.0}, details={"type": "explosion"})
    send(
        late, kind="violation", observed_at=(at + timedelta(hours=30)).isoformat(), details={"type": "drone"}
    )
    send(unrelated, kind="movement_restriction", details={"restriction": "denial"})
    url = f"{API}/reports/{target}/corroboration"
    answer = harness.client.get(url, params={"km": 10, "hours": 24}, headers=verifier_headers).json()
    assert [i["record_id"] for i in answer["items"]] == [close]
    assert 5.0 < answer["items"][0]["distance_km"] < 6.0
    assert same_device not in {i["record_id"] for i in answer["items"]}
    wide = harness.client.get(url, params={"km": 200, "hours": 48}, headers=verifier_headers).json()
    assert len(wide["items"]) == 3
    for params in ({"km": 0}, {"km": 10_000}, {"hours": -1}, {"hours": "nan"}, {"km": "x"}):
        assert harness.client.get(url, params=params, headers=verifier_headers).status_code == 422, params


def test_devices_list_and_revocation_need_the_right_role(harness, admin_headers, verifier_headers):
    device, _ = _received(harness, admin_headers, count=2)
    listed = harness.client.get(f"{API}/devices", headers=verifier_headers).json()
    assert listed[0]["device_id"] == device.device_id and listed[0]["reports"] == 2
    assert listed[0]["last_seen_at"] is not None
    url = f"{API}/devices/{device.device_id}/revoke"
    assert harness.client.post(url, headers=verifier_headers).status_code == 403
    assert harness.client.post(url, headers=admin_headers).status_code == 200
    assert harness.client.post(f"{API}/devices/{'a' * 32}/revoke", headers=admin_headers).status_code == 404


def test_the_queue_shows_a_gazetteer_place_in_both_languages(harness, admin_headers, verifier_headers):
    ref = {"id": "sirte", "en": "Sirte", "ar": "سرت"}
    _device, ids = _received(harness, admin_headers, count=1, place="سرت", place_ref=ref)
    _old, old_ids = _received(harness, admin_headers, count=1, seed=2, place="Misrata, coastal road")
    items = {
        item["record_id"]: item
        for item in harness.client.get(f"{API}/reports", headers=verifier_headers).json()["items"]
    }
    assert items[ids[0]]["place"] == "Sirte (سرت)"  # an English-reading verifier sees both
    assert items[old_ids[0]]["place"] == "Misrata, coastal road"  # records without a ref as before
