"""A report that breaks the agreement's geometry carries its flags on the report page (issue 15,
point 6): registers loaded by an administrator, reports signed by a device and ingested by the
real server (ASGI), read back through the console's client, drawn by the report view."""

import asyncio
from datetime import date

import flet as ft

from server.console.state import ReportState
from server.console.views.agreement_flags import agreement_flags_card, flag_sentence
from server.registers.sample import sample
from tests.console.conftest import report_at

SIGNED_ON = date(2026, 3, 1)


def drawn_flags(controls: list[ft.Control]) -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(node):
        if isinstance(node, ft.Semantics) and (node.identifier or "").startswith("report-flag-"):
            found[node.identifier.removeprefix("report-flag-")] = node.content.value
        for name in ("content", "controls"):
            child = getattr(node, name, None)
            for item in child if isinstance(child, list) else [child]:
                if isinstance(item, ft.Control):
                    walk(item)

    for control in controls:
        walk(control)
    return found


def test_a_report_beyond_the_line_shows_its_flags_and_one_behind_it_none(world):
    world.make_user("admin", role="admin")
    world.make_user("vera")
    device = world.device(3)

    async def scenario():
        admin = await world.console("admin")
        for register, entries in sample(SIGNED_ON):
            await admin.put_entries(register, entries)
        beyond, behind = report_at(device, minutes=0), report_at(device, minutes=5)
        unit = {"id": "unit-w1", "name": "West 1st Brigade"}
        for record, lon in ((beyond, 16.5), (behind, 15.5)):  # east / west of the Sirte-Jufra line
            record["kind"], record["details"] = "unit_movement", {"unit": unit}
            record["location"] = {"lat": 30.7, "lon": lon, "accuracy_m": 10, "source": "gps"}
        world.send(device, [beyond, behind])
        api = await world.console("vera")
        shown = {}
        for record in (beyond, behind):
            state = ReportState(record["id"])
            await state.load(api)
            shown[record["id"]] = drawn_flags(agreement_flags_card(state.flags))
        return beyond["id"], behind["id"], shown

    beyond_id, behind_id, shown = asyncio.run(scenario())
    assert set(shown[beyond_id]) == {"beyond_withdrawal_line", "unit_outside_area"}
    line = shown[beyond_id]["beyond_withdrawal_line"]
    assert line.startswith("Beyond a withdrawal line: ") and "km past it" in line
    assert shown[behind_id] == {}  # nothing broken: no card at all


def test_a_flag_reads_as_a_sentence():
    flag = {"rule": "outside_storage_sites", "entry_name": "Jufra store", "distance_m": 420.4, "detail": "4 tanks"}
    assert flag_sentence(flag) == "Heavy weapons outside every storage site: Jufra store (420 m past it) — 4 tanks"
    assert flag_sentence({"rule": "new_rule", "entry_id": "x"}) == "New_rule: x"
