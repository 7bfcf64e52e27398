"""The administrators' map layers section: the uploaded layers, and adding or removing one.
Checks are the server's (a refused file comes back as the API's reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import ConsoleApi

DEFAULT_COLOUR = "#c2185b"


@dataclass
class MapLayerState:
    layers: list[dict[str, Any]] = field(default_factory=list)
    notice: str = ""

    async def load(self, api: ConsoleApi) -> None:
        self.layers = await api.map_layers()

    async def add(self, api: ConsoleApi, *, name: str, colour: str, geojson: str) -> None:
        layer = await api.add_map_layer(name.strip(), colour.strip() or DEFAULT_COLOUR, geojson)
        self.notice = f"Added {layer['name']}: {layer['feature_count']} feature(s), shown on every map."
        await self.load(api)

    async def delete(self, api: ConsoleApi, layer_id: str) -> None:
        name = next((x["name"] for x in self.layers if x["id"] == layer_id), layer_id)
        await api.delete_map_layer(layer_id)
        self.notice = f"Removed {name} from the maps."
        await self.load(api)
