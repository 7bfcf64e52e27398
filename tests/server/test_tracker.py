"""The tracker (status from verified reports only) and the geometry flags, through the API."""

from datetime import date

import pytest

from server.registers.sample import sample
from tests.server.conftest import API, PASSWORD

SIGNED_ON = date(2026, 3, 1)  # deadlines: 2026-05-30


@pytest.fixture
def seeded(harness, admin_headers):
    for register, entries in sample(SIGNED_ON):
        answer = harness.client.put(f"{API}/registers/{register}", json={"entries": entries}, headers=admin_headers)
        assert answer.status_code == 200, answer.text
    return harness


def _report(harness, device, kind, lat, lon, details):
    location = {"lat": lat, "lon": lon, "accuracy_m": 10, "source": "gps"}
    envelopes = device.envelopes(1, kind=kind, location=location, details=details)
    harness.submit(device, envelopes)
    return envelopes[0]["header"]["record_id"]


def _decide(harness, headers, record_id, state):
    body = {"state": state, "reason": None if state == "verified" else "not what was seen"}
    answer = harness.client.post(f"{API}/reports/{record_id}/decision", json=body, headers=headers)
    assert answer.status_code == 200, answer.text


def _statuses(harness, headers, **params):
    answer = harness.client.get(f"{API}/tracker", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    return page, {o["obligation"]["id"]: o for o in page["obligations"]}


def _ref(id_, name):
    return {"id": id_, "name": name}


def test_status_moves_only_with_verified_reports(seeded, admin_headers, verifier_headers):
    harness = seeded
    a, b = harness.device(admin_headers, seed=11), harness.device(admin_headers, seed=12)
    back = {"unit": _ref("unit-w1", "West 1st Brigade"), "camp": _ref("camp-misrata", "Misrata"), "completeness": "full"}
    first = _report(harness, a, "withdrawal", 32.33, 15.07, back)
    _, by_id = _statuses(harness, verifier_headers)
    assert by_id["return-unit-w1"]["status"] == "not_started"  # received, not verified: nothing moves
    _decide(harness, verifier_headers, first, "verified")
    _, by_id = _statuses(harness, verifier_headers)
    assert by_id["return-unit-w1"]["status"] == "reported_complete"
    assert by_id["return-unit-w1"]["evidence"] == [first]
    second = _report(harness, b, "withdrawal", 32.32, 15.05, back)
    _decide(harness, verifier_headers, second, "verified")
    _, by_id = _statuses(harness, verifier_headers)
    assert by_id["return-unit-w1"]["status"] == "verified_complete"  # two devices say so

    rejected = _report(harness, a, "withdrawal", 32.80, 13.23,
                       {"unit": _ref("unit-w2", "West 2nd Brigade"), "completeness": "full"})
    _decide(harness, verifier_headers, rejected, "rejected")
    partial = _report(harness, a, "withdrawal", 31.06, 16.76,
                      {"unit": _ref("unit-e7", "East 7th"), "camp": _ref("camp-ghardabiya", "G"), "completeness": "partial"})
    _decide(harness, verifier_headers, partial, "verified")
    free_text = _report(harness, a, "withdrawal", 32.07, 20.30, {"unit": "East 12th Battalion", "completeness": "full"})
    _decide(harness, verifier_headers, free_text, "verified")
    _, by_id = _statuses(harness, verifier_headers)
    assert by_id["return-unit-w2"]["status"] == "not_started" and by_id["return-unit-w2"]["evidence"] == []
    assert by_id["return-unit-e7"]["status"] == "in_progress"
    assert by_id["return-unit-e12"]["status"] == "not_started"  # free text never matches by name

    harness.clock.now = harness.clock.now.replace(year=2026, month=6, day=1)
    login = harness.client.post(f"{API}/auth/login", json={"username": "vera", "password": PASSWORD})
    verifier_headers = {"Authorization": f"Bearer {login.json()['token']}"}  # the old session expired
    page, by_id = _statuses(harness, verifier_headers)
    assert by_id["return-unit-w2"]["status"] == "overdue" and by_id["return-unit-e7"]["status"] == "overdue"
    assert by_id["return-unit-w1"]["status"] == "verified_complete"  # done in time stays done
    assert page["deadlines"] == ["2026-05-30"]
    positions = {row["unit"]["id"]: row for row in page["units"]}
    assert positions["unit-w1"]["at_camp"] is True and positions["unit-w2"]["record_id"] is None

    exported = harness.client.get(f"{API}/tracker/export", params={"format": "csv"}, headers=verifier_headers)
    assert exported.status_code == 200 and exported.text.startswith("id,name_en,name_ar,type,deadline,status")
    line = next(row for row in exported.text.splitlines() if row.startswith("return-unit-w1,"))
    assert ",verified_complete," in line and first in line and second in line
    units = harness.client.get(f"{API}/tracker/export", params={"format": "geojson"}, headers=verifier_headers).json()
    w1 = next(f for f in units["features"] if f["id"] == "unit-w1")
    assert w1["geometry"]["type"] == "Point" and w1["properties"]["at_camp"] is True

    west, _ = _statuses(harness, verifier_headers, side="west")
    assert {o["obligation"]["id"] for o in west["obligations"]} >= {"return-unit-w1", "return-unit-w2"}
    assert "return-unit-e7" not in {o["obligation"]["id"] for o in west["obligations"]}


def test_departures_count_toward_their_crossing_and_the_total(seeded, admin_headers, verifier_headers):
    harness = seeded
    a = harness.device(admin_headers, seed=13)
    ids = [
        _report(harness, a, "foreign_fighters", 32.89, 13.28,
                {"activity": "departure", "estimated_number": n, "means": "air", "crossing_point": _ref("mitiga", "Mitiga")})
        for n in (100, 60)
    ]
    benina = _report(harness, a, "foreign_fighters", 32.10, 20.27,
                     {"activity": "departure", "estimated_number": 80, "crossing_point": _ref("benina", "Benina")})
    presence = _report(harness, a, "foreign_fighters", 29.2, 16.0, {"activity": "presence", "estimated_number": 300})
    for record_id in (*ids, benina, presence):
        _decide(harness, verifier_headers, record_id, "verified")
    page, by_id = _statuses(harness, verifier_headers)
    assert by_id["fighters-mitiga"]["status"] == "reported_complete"  # 160 >= 150, one device
    assert by_id["fighters-mitiga"]["progress"] == "160 of 150 departed"
    assert by_id["fighters-out"]["status"] == "in_progress"
    assert by_id["fighters-out"]["progress"] == "240 of 400 departed"
    assert sorted(by_id["fighters-out"]["evidence"]) == sorted([*ids, benina])
    assert page["progress"][-1]["fighters_departed"] == 240


def test_flags_name_the_rule_and_the_geometry(seeded, admin_headers, verifier_headers):
    harness = seeded
    a = harness.device(admin_headers, seed=14)
    # East of the Sirte-Jufra line's first leg (its left, drawn south): beyond; outside aor-west.
    beyond = _report(harness, a, "unit_movement", 30.7, 16.5, {"unit": _ref("unit-w1", "West 1st Brigade")})
    # West of it, inside aor-west: nothing. An eastern unit east of the west's line: nothing.
    behind = _report(harness, a, "unit_movement", 30.7, 15.5, {"unit": _ref("unit-w1", "West 1st Brigade")})
    east = _report(harness, a, "unit_movement", 30.0, 16.5, {"unit": _ref("unit-e7", "East 7th Brigade")})
    # Tanks in the Sirte demilitarised area, 200 km from any store.
    tanks = _report(harness, a, "heavy_weapons", 31.1, 16.6, {"system": "T-72 tank", "count": 4})
    stored = _report(harness, a, "heavy_weapons", 29.2105, 16.0205, {"system": "tank", "count": 2})
    answer = harness.client.get(f"{API}/tracker/flags", headers=verifier_headers)
    assert answer.status_code == 200, answer.text
    found = {(f["record_id"], f["rule"], f["entry_id"]) for f in answer.json()}
    assert (beyond, "beyond_withdrawal_line", "sirte-jufra-line") in found
    assert (beyond, "unit_outside_area", "aor-west") in found
    assert (tanks, "in_demilitarised_area", "sirte-dmz") in found
    assert (tanks, "outside_storage_sites", "site-jufra") in found or (tanks, "outside_storage_sites", "site-misrata") in found
    assert not any(r in (behind, stored, east) for r, _, _ in found)  # stored: in the Jufra store
    line_flag = next(f for f in answer.json() if f["rule"] == "beyond_withdrawal_line")
    assert line_flag["geometry"]["type"] == "LineString" and 5_000 < line_flag["distance_m"] < 20_000
    one = harness.client.get(f"{API}/tracker/flags", params={"record_id": tanks}, headers=verifier_headers).json()
    assert {f["rule"] for f in one} == {"in_demilitarised_area", "outside_storage_sites", "beyond_withdrawal_line"}
    _decide(harness, verifier_headers, stored, "verified")
    _, by_id = _statuses(harness, verifier_headers)
    assert by_id["tanks-jufra"]["status"] == "reported_complete" and by_id["tanks-jufra"]["evidence"] == [stored]
