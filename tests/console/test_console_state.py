"""Console state and pure logic: filters, decisions, separations, the QR code (tickets:
test_download_tickets.py).

HTTP goes through httpx.MockTransport here (pure client logic); the real server is in
test_console_api.py.
"""

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest

from server.console.api import ConsoleApi, SignedIn
from server.console.errors import ApiError, InvalidInput, ServerUnreachable, SessionExpired
from server.console.qr import qr_png
from server.console.state import (
    AdminState,
    OverviewState,
    QueueFilters,
    QueueState,
    ReportState,
    enroll_uri,
    parse_time,
    validate_decision,
    with_separation,
)


def api_answering(handler) -> ConsoleApi:
    api = ConsoleApi(httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://server"))
    api.user = SignedIn(username="vera", role="verifier", token="t0ken")
    return api


def test_filters_from_form_become_the_servers_query_parameters():
    filters = QueueFilters.from_form(
        state="needs_info", kind="violation", device_id=" AB12 ", since="2026-03-01", until="2026-03-02"
    )
    assert filters.to_params() == {
        "state": "needs_info",
        "kind": "violation",
        "device_id": "ab12",
        "observed_from": "2026-03-01T00:00:00+00:00",
        "observed_to": "2026-03-03T00:00:00+00:00",  # a bare end date includes that day
    }
    assert QueueFilters.from_form(state="", kind="", device_id="", since="", until="").to_params() == {}


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"state": "done"}, "state"),
        ({"kind": "parade"}, "kind"),
        ({"device_id": "xyz"}, "device_id"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "until"),
    ],
)
def test_bad_filters_name_the_field(form, field):
    values = {"state": None, "kind": None, "device_id": None, "since": None, "until": None, **form}
    with pytest.raises(InvalidInput) as caught:
        QueueFilters.from_form(**values)
    assert caught.value.field == field


def test_times_are_read_as_utc():
    assert parse_time("2026-03-01 08:30", field_name="since") == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert parse_time("2026-03-01T10:30+02:00", field_name="since") == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert parse_time("  ", field_name="since") is None


@pytest.mark.parametrize("state", ["rejected", "needs_info"])
def test_reason_is_required_for_rejected_and_needs_info(state):
    with pytest.raises(InvalidInput) as caught:
        validate_decision(state, "   ")
    assert caught.value.field == "reason"
    assert validate_decision(state, " why ") == (state, "why")


def test_verified_needs_no_reason_and_unknown_decisions_are_refused():
    assert validate_decision("verified", "") == ("verified", None)
    with pytest.raises(InvalidInput):
        validate_decision("received", None)


def test_decide_with_missing_reason_sends_nothing():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(200, json={})

    state = ReportState(record_id="r1")
    with pytest.raises(InvalidInput):
        asyncio.run(state.decide(api_answering(handler), "needs_info", ""))
    assert calls == []


def test_separation_is_computed_when_the_server_leaves_it_out():
    here = {"lat": 32.0, "lon": 13.0, "observed_at": "2026-03-01T08:00:00Z"}
    there = {"lat": 32.1, "lon": 13.0, "observed_at": "2026-03-01T05:30:00+00:00"}
    found = with_separation(here, there)
    assert found["distance_km"] == pytest.approx(11.09, abs=0.05)  # 0.1° of latitude
    assert found["hours_apart"] == pytest.approx(-2.5)
    from_server = with_separation(here, {**there, "distance_km": 3.0, "hours_apart": 2.5})
    assert from_server["distance_km"] == 3.0
    assert from_server["hours_apart"] == pytest.approx(-2.5)  # signed: observed before this report


def test_queue_keeps_its_filters_when_the_server_refuses():
    def handler(request):
        if request.url.params.get("kind") == "violation":
            return httpx.Response(422, json={"detail": [{"loc": ["query", "kind"], "msg": "bad kind"}]})
        if request.url.path.endswith("/reports/changes"):  # the live queue's cursor
            return httpx.Response(200, json={"received_cursor": None, "event_cursor": 0, "new": 0})
        return httpx.Response(200, json={"items": [], "total": 0, "counts": {"received": 2}})

    api = api_answering(handler)
    queue = QueueState()
    asyncio.run(queue.load(api))
    assert queue.counts["received"] == 2 and queue.counts["verified"] == 0
    with pytest.raises(ApiError) as caught:
        asyncio.run(queue.apply(api, QueueFilters(kind="violation")))
    assert "kind: bad kind" in str(caught.value)
    assert queue.filters == QueueFilters()


def test_bearer_token_is_sent_and_401_signs_out():
    seen = []

    def handler(request):
        seen.append(request.headers.get("authorization"))
        return httpx.Response(401, json={"detail": "expired"})

    api = api_answering(handler)
    with pytest.raises(SessionExpired):
        asyncio.run(api.devices())
    assert seen == ["Bearer t0ken"]
    assert api.user is None


def test_network_failure_is_one_clear_error():
    def handler(request):
        raise httpx.ConnectError("refused")

    with pytest.raises(ServerUnreachable, match="did not answer"):
        asyncio.run(api_answering(handler).report("r1"))


def test_overview_pages_through_the_servers_limit():
    offsets = []

    def handler(request):
        offset = int(request.url.params["offset"])
        offsets.append(offset)
        items = [
            {"record_id": f"r{offset + i}", "lat": 32.0, "lon": 13.0} for i in range(min(200, 450 - offset))
        ]
        return httpx.Response(200, json={"items": items, "total": 450, "counts": {}})

    overview = OverviewState()
    asyncio.run(overview.load(api_answering(handler)))
    assert offsets == [0, 200, 400]
    assert len(overview.items) == 450


def test_admin_validates_new_accounts_before_calling():
    def handler(request):
        raise AssertionError("no call expected")

    admin = AdminState()
    for kwargs, field in (
        ({"username": " ", "password": "long enough pw", "role": "verifier"}, "username"),
        ({"username": "bob", "password": "short", "role": "verifier"}, "password"),
        ({"username": "bob", "password": "long enough pw", "role": "root"}, "role"),
    ):
        with pytest.raises(InvalidInput) as caught:
            asyncio.run(admin.add_user(api_answering(handler), **kwargs))
        assert caught.value.field == field


def test_issued_code_carries_server_and_code_for_the_qr():
    def handler(request):
        body = json.loads(request.content)
        assert body == {"label": "team 4", "expires_hours": 2.0}
        return httpx.Response(
            201, json={"code": "ABCD-EFGH", "label": "team 4", "expires_at": "2026-03-01T10:00:00Z"}
        )

    issued = asyncio.run(
        AdminState().issue_code(
            api_answering(handler), label_text=" team 4 ", hours="2", server_url="http://10.0.0.5:8000/"
        )
    )
    assert issued.code == "ABCD-EFGH"
    assert issued.enroll_uri == enroll_uri("http://10.0.0.5:8000", "ABCD-EFGH")
    assert issued.enroll_uri == "fieldapp://enroll?server=http%3A%2F%2F10.0.0.5%3A8000&code=ABCD-EFGH"


def test_qr_png_is_a_png_that_grows_with_its_content():
    small, large = qr_png("x"), qr_png("fieldapp://enroll?" + "y" * 200)
    assert small.startswith(b"\x89PNG\r\n\x1a\n") and large.startswith(b"\x89PNG")
    assert len(large) > len(small)


