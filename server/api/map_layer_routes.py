"""The mission's own map layers (docs/console.md, "Maps"): administrators upload GeoJSON
(agreed lines, areas, camps) that every map then shows; verifiers can read them."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from ..map_layers import MAX_LAYER_BYTES, MAX_NAME, MapLayerStore, store_for
from .auth import Admin, Verifier
from .errors import ERROR_RESPONSES

router = APIRouter(responses=ERROR_RESPONSES, tags=["map layers"])
LayerPath = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]


def layer_store(request: Request) -> MapLayerStore:
    return store_for(request.app)


Store = Annotated[MapLayerStore, Depends(layer_store)]


class MapLayerIn(BaseModel):
    """A layer to add: its name, line colour (#rrggbb) and GeoJSON text (at most 1 MB)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=MAX_NAME)
    colour: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    geojson: str = Field(min_length=1, max_length=2 * MAX_LAYER_BYTES)  # bytes checked exactly after


class MapLayerOut(BaseModel):
    id: str
    name: str
    colour: str
    feature_count: int
    created_at: str
    created_by: str


@router.get("/map-layers", response_model=list[MapLayerOut])
def list_layers(_: Verifier, store: Store) -> list[dict[str, Any]]:
    """The uploaded layers, oldest first."""
    return [layer.public() for layer in store.list()]


@router.post("/map-layers", response_model=MapLayerOut, status_code=201)
def add_layer(body: MapLayerIn, principal: Admin, store: Store) -> dict[str, Any]:
    """Add a layer; 422 says what is wrong with a file the maps cannot draw (nothing stored)."""
    return store.add(name=body.name, colour=body.colour, geojson=body.geojson, actor=principal.username).public()


@router.delete("/map-layers/{layer_id}", status_code=204)
def delete_layer(layer_id: LayerPath, _: Admin, store: Store) -> None:
    """Remove a layer from every map."""
    store.delete(layer_id)


@router.get("/map-layers/geojson")
def layers_geojson(_: Verifier, store: Store) -> dict[str, Any]:
    """Every layer's features in one FeatureCollection (properties: name, layer, colour)."""
    return store.geojson()
