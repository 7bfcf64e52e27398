"""A mocked or inaccurate GPS fix reaches the verifier as a warning on the report card
(issue 18.5): signed by a device, ingested by the real server (ASGI), read back through the
console's client, drawn by the report view."""

import asyncio

import flet as ft

from server.console.location_warnings import location_warnings
from server.console.state import ReportState
from server.console.views.observation import observation_card
from tests.console.conftest import report_at


def warnings_drawn(control) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, ft.Semantics) and node.identifier == "location-warning":
            found.append(node.content.value)
        for name in ("content", "controls"):
            child = getattr(node, name, None)
            for item in child if isinstance(child, list) else [child]:
                if isinstance(item, ft.Control):
                    walk(item)

    walk(control)
    return found


def fix(**facts):
    return {"lat": 32.3754, "lon": 15.0925, "source": "gps", **facts}


def test_a_mocked_inaccurate_fix_is_a_warning_on_the_report_card(world):
    world.make_user("vera")
    device = world.device(1)
    mocked = report_at(device, minutes=0)
    mocked["location"] = fix(accuracy_m=120.0, fix_at="2026-03-02T08:40:00+00:00", mocked=True)
    honest = report_at(device, minutes=5)
    honest["location"] = fix(accuracy_m=8.0, fix_at="2026-03-02T09:04:50+00:00", mocked=False)
    world.send(device, [mocked, honest])

    async def detail(record_id):
        api = await world.console("vera")
        state = ReportState(record_id)
        await state.load(api)
        return state.detail

    shown = asyncio.run(detail(mocked["id"]))
    assert shown["record"]["location"]["mocked"] is True  # signed, stored, answered as sent
    drawn = warnings_drawn(observation_card(shown))
    assert drawn == [
        "The phone reported this position as simulated (a mock location app was active).",
        "The GPS fix is only accurate to ±120 m (warned above 50 m).",
        "The GPS fix was taken 20 min before the time observed.",
    ]
    assert warnings_drawn(observation_card(asyncio.run(detail(honest["id"])))) == []


def test_no_warning_without_gps_facts_or_for_odd_values():
    assert location_warnings({"location": {"lat": 1.0, "lon": 2.0, "source": "manual"}}) == []
    assert location_warnings({"location": {"source": "gps", "mocked": "yes", "accuracy_m": True}}) == []
    assert location_warnings({"location": "nowhere"}) == []
