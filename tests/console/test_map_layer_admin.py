"""Administrators keep the mission's map layers from the console (the state the
administration page's "Map layers" section drives, through the real API in process)."""

import asyncio
import json

import pytest

from server.console.errors import ConsoleError
from server.console.map_layer_state import MapLayerState

CAMP = {
    "type": "Feature",
    "properties": {"name": "Camp 7"},
    "geometry": {"type": "Point", "coordinates": [16.5, 31.0]},
}


def test_add_and_remove_a_layer(world):
    world.make_user("ada", "admin")

    async def scenario():
        api = await world.console("ada")
        state = MapLayerState()
        await state.load(api)
        assert state.layers == []
        await state.add(api, name="Camps", colour="#1565c0", geojson=json.dumps(CAMP))
        assert state.notice == "Added Camps: 1 feature(s), shown on every map."
        assert [(x["name"], x["colour"]) for x in state.layers] == [("Camps", "#1565c0")]
        with pytest.raises(ConsoleError, match="position"):
            await state.add(api, name="Bad", colour="", geojson='{"type": "Point", "coordinates": [16]}')
        assert len(state.layers) == 1  # nothing stored for the bad file
        await state.delete(api, state.layers[0]["id"])
        assert state.layers == [] and state.notice == "Removed Camps from the maps."

    asyncio.run(scenario())


def test_a_verifier_cannot_add_layers(world):
    world.make_user("vera")

    async def scenario():
        api = await world.console("vera")
        with pytest.raises(ConsoleError):
            await MapLayerState().add(api, name="x", colour="", geojson=json.dumps(CAMP))

    asyncio.run(scenario())
