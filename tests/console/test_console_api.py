"""Every server call the console makes, through the real FastAPI app (ASGI transport).

The console's own client (`ConsoleApi`) and state objects drive the server here, so a
change on either side that breaks the console breaks these tests.
"""

import asyncio
import csv
import io
import json

import pytest

from server.console.api import ConsoleApi
from server.console.downloads import TicketStore
from server.console.errors import ApiError, SessionExpired
from server.console.state import AdminState, QueueFilters, QueueState, ReportState
from tests.console.conftest import PASSWORD, T0, report_at
from tests.support.devices import make_device


def run(coro):
    return asyncio.run(coro)


def test_login_roles_and_logout(world):
    world.make_user("vera")
    world.make_user("ada", "admin")

    async def scenario():
        vera = await world.console("vera")
        assert (vera.user.username, vera.user.role, vera.user.is_admin) == ("vera", "verifier", False)
        ada = await world.console("ada")
        assert ada.user.is_admin
        with pytest.raises(ApiError) as wrong:
            await world.console("vera", "not the password")
        assert wrong.value.status_code == 401
        with pytest.raises(ApiError) as forbidden:
            await vera.users()  # an administrator's call
        assert forbidden.value.status_code == 403
        await vera.logout()
        assert vera.user is None
        with pytest.raises(SessionExpired):
            await vera.devices()

    run(scenario())


def test_queue_oldest_first_with_filters_counts_and_pages(world):
    world.make_user("vera")
    first, second = world.device(1), world.device(2)
    world.send(first, [report_at(first, minutes=m) for m in (0, 10, 20)])
    world.send(second, [report_at(second, minutes=5, kind="violation"), report_at(second, minutes=600)])

    async def scenario():
        api = await world.console("vera")
        queue = QueueState(limit=2)
        await queue.load(api)
        assert queue.total == 5 and len(queue.items) == 2
        assert queue.counts == {
            "received": 5,
            "needs_info": 0,
            "verified": 0,
            "unverifiable": 0,
            "rejected": 0,
        }
        seen = list(queue.items)
        await queue.page(api, 1)
        seen += queue.items
        await queue.page(api, 1)
        seen += queue.items
        await queue.page(api, 1)  # past the end: stays on the last page
        assert queue.offset == 4
        assert len({item["record_id"] for item in seen}) == 5
        received = [(item["received_at"], item["device_id"], item["seq"]) for item in seen]
        assert [r[0] for r in received] == sorted(r[0] for r in received)  # oldest first
        assert [r[2] for r in received if r[1] == first.device_id] == [1, 2, 3]

        await queue.apply(api, QueueFilters(state="received", kind="violation"))
        assert [i["kind"] for i in queue.items] == ["violation"]
        await queue.apply(api, QueueFilters(state=None, device_id=first.device_id))
        assert {i["device_id"] for i in queue.items} == {first.device_id} and queue.total == 3
        window = QueueFilters.from_form(
            state=None, kind=None, device_id=None, since="2026-03-02 09:04", until="2026-03-02 09:15"
        )
        await queue.apply(api, window)
        assert sorted(i["observed_at"][11:16] for i in queue.items) == ["09:05", "09:10"]

    run(scenario())


def test_report_detail_signature_chain_and_amendments_both_ways(world):
    world.make_user("vera")
    device = world.device(3)
    original = report_at(device, minutes=0)
    correction = report_at(device, minutes=1, amends=original["id"])
    world.send(device, [original, correction])
    device.seq += 2  # records 3 and 4 never arrive: the next one follows a gap
    late = report_at(device, minutes=30)
    world.send(device, [late])

    async def scenario():
        api = await world.console("vera")
        first = ReportState(record_id=original["id"])
        await first.load(api)
        assert first.detail["signature"] == {"valid": True, "body_hash_matches": True}
        assert first.detail["chain"]["status"] == "valid"
        assert first.detail["amended_by"] == [correction["id"]]
        assert first.record["description"] == original["description"]
        assert first.record["details"]["vehicles"]["truck"] == 6
        fixed = ReportState(record_id=correction["id"])
        await fixed.load(api)
        assert fixed.detail["amends"] == original["id"]
        after_gap = ReportState(record_id=late["id"])
        await after_gap.load(api)
        assert after_gap.detail["chain"]["status"] == "gap"
        assert after_gap.detail["chain"]["missing_before"] == 2
        with pytest.raises(ApiError) as missing:
            await api.report("00000000-0000-4000-8000-000000000000")
        assert missing.value.status_code == 404

    run(scenario())


def test_lock_is_shown_refused_to_others_and_released(world):
    world.make_user("vera")
    world.make_user("victor")
    device = world.device(4)
    record = report_at(device)
    world.send(device, [record])

    async def scenario():
        vera, victor = await world.console("vera"), await world.console("victor")
        mine = ReportState(record_id=record["id"])
        await mine.load(vera)
        assert mine.lock is None
        await mine.take_lock(vera)
        assert mine.lock_held_by("vera")
        theirs = ReportState(record_id=record["id"])
        await theirs.load(victor)
        assert theirs.lock["username"] == "vera"  # who holds it is shown
        with pytest.raises(ApiError) as taken:
            await theirs.take_lock(victor)
        assert taken.value.status_code == 409
        with pytest.raises(ApiError) as blocked:
            await theirs.decide(victor, "verified", None)
        assert blocked.value.status_code == 409
        await mine.release_lock(vera)
        await theirs.load(victor)
        assert theirs.lock is None
        await theirs.take_lock(victor)
        assert theirs.lock_held_by("victor")

    run(scenario())


def test_decisions_audit_trail_and_the_devices_update(world):
    world.make_user("vera")
    device = world.device(5)
    record = report_at(device)
    world.send(device, [record])

    async def scenario():
        api = await world.console("vera")
        report = ReportState(record_id=record["id"])
        await report.load(api)
        with pytest.raises(ApiError) as no_reason:  # the server checks too, not only the console
            await api.decide(record["id"], "rejected", None)
        assert no_reason.value.status_code == 422
        await report.decide(api, "needs_info", "Which unit? Were the trucks armed?")
        assert report.detail["state"] == "needs_info"
        assert report.lock is None  # deciding releases the lock
        await report.decide(api, "verified", "")
        assert [(e["actor"], e["from_state"], e["to_state"], e["reason"]) for e in report.audit] == [
            ("vera", "received", "needs_info", "Which unit? Were the trucks armed?"),
            ("vera", "needs_info", "verified", None),
        ]

    run(scenario())
    updates = world.updates(device)  # what the observer's device pulls at its next sync
    assert [(u["record_id"], u["state"], u["message"]) for u in updates if u["state"] != "received"] == [
        (record["id"], "needs_info", "Which unit? Were the trucks armed?"),
        (record["id"], "verified", None),
    ]


def test_corroboration_lists_other_devices_nearby_with_distance_and_time(world):
    world.make_user("vera")
    mine, other = world.device(6), world.device(7)
    here = report_at(mine, minutes=0)
    world.send(mine, [here, report_at(mine, minutes=5)])  # same device: never a candidate
    near = report_at(other, minutes=90, north_km=3)
    far = report_at(other, minutes=100, north_km=40)
    late = report_at(other, minutes=60 * 30, north_km=1)
    world.send(other, [near, far, late])

    async def scenario():
        api = await world.console("vera")
        report = ReportState(record_id=here["id"])
        await report.load(api)  # defaults: 10 km, 24 h
        assert [c["record_id"] for c in report.candidates] == [near["id"]]
        found = report.candidates[0]
        assert found["distance_km"] == pytest.approx(3.0, abs=0.05)
        assert found["hours_apart"] == pytest.approx(1.5)
        await report.set_window(api, "50", "48")
        assert {c["record_id"] for c in report.candidates} == {near["id"], far["id"], late["id"]}
        with pytest.raises(ApiError):
            await api.corroboration(here["id"], km=10_000, hours=1)

    run(scenario())


def test_administration_codes_devices_revocation_and_accounts(world):
    world.make_user("ada", "admin")
    device = world.device(8)
    device.seq, device.prev_hash = 1, "ab" * 32  # record 1 never arrives: a gap before the first one
    world.send(device, [report_at(device)])

    async def scenario():
        api = await world.console("ada")
        admin = AdminState()
        await admin.load(api)
        listed = {d["device_id"]: d for d in admin.devices}
        assert listed[device.device_id]["gaps"] == 1
        assert listed[device.device_id]["last_seen_at"] is not None
        assert listed[device.device_id]["revoked_at"] is None

        issued = await admin.issue_code(api, label_text="team 2", hours="2", server_url="http://srv")
        assert issued.label == "team 2" and "code=" in issued.enroll_uri
        return issued.code

    code = run(scenario())
    phone = make_device(9)
    phone.enroll(world.devices_client, code)  # the code the console showed works once

    async def revoke_and_accounts():
        api = await world.console("ada")
        admin = AdminState()
        await admin.load(api)
        await admin.revoke(api, device.device_id)
        revoked = {d["device_id"]: d for d in admin.devices}[device.device_id]
        assert revoked["revoked_at"] is not None

        await admin.add_user(api, username="vic", password="long enough pw", role="verifier")
        assert {u["username"]: u["disabled"] for u in admin.users}["vic"] is False
        await world.console("vic", "long enough pw")
        await admin.set_disabled(api, "vic", True)
        assert {u["username"]: u["disabled"] for u in admin.users}["vic"] is True
        with pytest.raises(ApiError):
            await world.console("vic", "long enough pw")

    run(revoke_and_accounts())
    refused = world.devices_client.post(
        "/api/v1/submissions",
        json={"envelopes": [device.seal(*device.sign_next(report_at(device)))]},
        headers=device.auth,
    )
    assert refused.status_code in (401, 403)


def test_exports_download_through_a_single_use_ticket(world):
    """The console's export: a ticket in the URL, the token only server-side."""
    world.make_user("vera")
    device = world.device(10)
    records = [report_at(device, minutes=m) for m in (0, 10)]
    world.send(device, records)

    async def scenario():
        api = await world.console("vera")
        await api.decide(records[0]["id"], "verified", None)
        store = _ticket_store(world.app)
        http = world.http()
        ticket = store.issue(
            token=api.user.token, fmt="csv", params=QueueFilters(state="verified").to_params()
        )
        assert api.user.token not in ticket
        answer = await http.get(f"/console/download/{ticket}")
        assert answer.status_code == 200
        assert answer.headers["content-disposition"].startswith("attachment;")
        assert answer.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert [r["record_id"] for r in rows] == [records[0]["id"]]
        again = await http.get(f"/console/download/{ticket}")
        assert again.status_code == 410

        geo = store.issue(token=api.user.token, fmt="geojson", params=QueueFilters(state=None).to_params())
        collection = json.loads((await http.get(f"/console/download/{geo}")).content)
        assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 2

        stale = store.issue(token="not-a-token", fmt="csv", params={})
        assert (await http.get(f"/console/download/{stale}")).status_code == 401

    run(scenario())


def _ticket_store(app) -> TicketStore:
    """The mounted console's ticket store (the one its sessions issue tickets into)."""
    store = app.state.console.tickets
    assert isinstance(store, TicketStore)
    return store


def test_observed_times_in_queue_are_the_devices(world):
    world.make_user("vera")
    device = world.device(11)
    record = report_at(device, minutes=42)
    world.send(device, [record])

    async def scenario():
        api = await world.console("vera")
        queue = QueueState()
        await queue.load(api)
        assert queue.items[0]["observed_at"].startswith(T0.strftime("%Y-%m-%dT09:42"))

    run(scenario())


def test_sign_in_limits_count_each_browser_and_admins_see_and_lift_locks(world):
    """The console signs in through an in-process transport; the server must still count
    failures per browser (the address the console names with its process key), not per console."""
    world.make_user("ada", "admin")
    world.make_user("vic", "verifier")
    key = world.app.state.console_key

    def browser(address):
        return ConsoleApi(world.http(), client_key=key, client_address=address)

    async def scenario():
        stranger = browser("203.0.113.9")
        for n in range(20):  # spraying names from one browser locks that browser only
            with pytest.raises(ApiError) as refused:
                await stranger.login(f"guess{n}", "wrong password")
            assert refused.value.status_code == 401
        with pytest.raises(ApiError) as throttled:
            await stranger.login("vic", PASSWORD)
        assert throttled.value.status_code == 429 and "try again in" in str(throttled.value)
        office = browser("198.51.100.4")
        await office.login("vic", PASSWORD)  # another browser is not affected
        forged = ConsoleApi(world.http(), client_key="not the key", client_address="198.51.100.77")
        with pytest.raises(ApiError):  # a wrong key: the header is not believed
            await forged.login("nobody", "wrong password")
        for _ in range(5):
            with pytest.raises(ApiError):
                await office.login("vic", "wrong password")
        admin = AdminState()
        ada = browser("198.51.100.5")
        await ada.login("ada", PASSWORD)
        await admin.load(ada)
        vic = {u["username"]: u for u in admin.users}["vic"]
        assert vic["locked_until"] and vic["failed_logins"] == 5
        await admin.unlock(ada, "vic")
        assert {u["username"]: u for u in admin.users}["vic"]["locked_until"] is None
        await office.login("vic", PASSWORD)
        return ada.user.token

    token = run(scenario())
    events = world.devices_client.get(
        "/api/v1/login-events", params={"username": "nobody"}, headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [e["address"] for e in events] == ["127.0.0.1"]  # not the address the forged header named


def test_the_mounted_console_names_its_browsers_address(world):
    assert world.app.state.console.client_key == world.app.state.console_key
