"""Administrators keep the registers from the console (the state the Registers page drives,
through the real API in process): import a pasted file, rename, retire and restore."""

import asyncio

import pytest

from server.console.errors import ConsoleError
from server.console.register_state import RegisterAdminState

CAMPS = "id,name_en,name_ar,side,lat,lon\ncamp-a,Camp A,معسكر أ,east,29.1,16.0\ncamp-b,Camp B,,west,32.3,15.0\n"


def test_import_rename_retire_restore(world):
    world.make_user("ada", "admin")

    async def scenario():
        api = await world.console("ada")
        state = RegisterAdminState()
        await state.import_text(api, "csv", CAMPS)
        assert state.notice == "Imported: 2 added, 0 changed, 0 unchanged."
        assert [e["id"] for e in state.entries] == ["camp-a", "camp-b"]
        await state.rename(api, "camp-b", "Camp Bravo", "معسكر ب")
        renamed = state.entry("camp-b")
        assert (renamed["name_en"], renamed["name_ar"], renamed["version"]) == ("Camp Bravo", "معسكر ب", 2)
        assert renamed["geometry"] == {"type": "Point", "coordinates": [15.0, 32.3]}  # the rest kept
        await state.set_retired(api, "camp-a", True)
        assert state.entry("camp-a")["retired"] is True and state.notice == "Retired camp-a."
        await state.set_retired(api, "camp-a", False)
        assert state.entry("camp-a")["retired"] is False and state.entry("camp-a")["version"] == 3
        with pytest.raises(ConsoleError, match="line 2"):
            await state.import_text(api, "csv", "id,name_en,lat,lon\ncamp-c,,29,16\n")
        assert [e["id"] for e in state.entries] == ["camp-a", "camp-b"]  # nothing half-imported

    asyncio.run(scenario())


def test_a_verifier_cannot_change_registers(world):
    world.make_user("vera")

    async def scenario():
        api = await world.console("vera")
        with pytest.raises(ConsoleError):
            await RegisterAdminState().import_text(api, "csv", CAMPS)

    asyncio.run(scenario())
