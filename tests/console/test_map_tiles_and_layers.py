"""The tile route and the mission's map layers, through the real app (console mounted):
tiles are PNGs with caching headers, z/x/y outside the map are 4xx not 500; administrators
upload GeoJSON layers (checked, size-bounded, clear errors) that every map then draws."""

from __future__ import annotations

import io
import json

from PIL import Image

from server.basemap.projection import unit_xy
from server.map_layers import MAX_LAYER_BYTES
from tests.console.conftest import PASSWORD

API = "/api/v1"
LINE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Agreed line A"},
            "geometry": {"type": "LineString", "coordinates": [[16.0, 31.5], [17.0, 30.5]]},
        },
        {
            "type": "Feature",
            "properties": {"name": "Camp 7"},
            "geometry": {"type": "Point", "coordinates": [16.5, 31.0]},
        },
    ],
}


def _headers(world, username: str, role: str) -> dict[str, str]:
    world.make_user(username, role)
    answer = world.devices_client.post(f"{API}/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _tile(lat: float, lon: float, z: int) -> str:
    ux, uy = unit_xy(lat, lon)
    return f"/console/tiles/{z}/{int(ux * 2**z)}/{int(uy * 2**z)}.png"


def test_a_tile_is_a_cached_png(world):
    client = world.devices_client
    answer = client.get("/console/tiles/5/17/13.png")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(answer.content)).size == (256, 256)
    assert answer.headers["cache-control"] == "public, max-age=300"  # unversioned: short
    version = world.app.state.tiles.version()
    versioned = client.get(f"/console/tiles/5/17/13.png?v={version}")
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    again = client.get("/console/tiles/5/17/13.png", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_tiles_outside_the_map_are_4xx_not_500(world):
    client = world.devices_client
    for path in (
        "/console/tiles/3/8/0.png",
        "/console/tiles/3/0/8.png",
        "/console/tiles/15/0/0.png",
        "/console/tiles/-1/0/0.png",
        "/console/tiles/3/-1/0.png",
        "/console/tiles/99999999999999999999/0/0.png",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, (path, answer.status_code)
    for path in ("/console/tiles/a/0/0.png", "/console/tiles/3/0/0.5.png", "/console/tiles/3/0/x.png"):
        answer = client.get(path)
        assert 400 <= answer.status_code < 500, (path, answer.status_code)


def test_an_uploaded_layer_is_listed_and_drawn_into_the_tiles(world):
    admin = _headers(world, "ada", "admin")
    client = world.devices_client
    before = client.get(_tile(31.0, 16.5, 8))
    version = world.app.state.tiles.version()
    answer = client.post(
        f"{API}/map-layers",
        json={"name": "Agreed lines", "colour": "#00ff00", "geojson": json.dumps(LINE)},
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    layer = answer.json()
    assert (layer["name"], layer["feature_count"], layer["colour"]) == ("Agreed lines", 2, "#00ff00")
    assert [x["id"] for x in client.get(f"{API}/map-layers", headers=admin).json()] == [layer["id"]]
    world.app.state.map_layers.forget()  # the store caches for a few seconds
    assert world.app.state.tiles.version() != version  # new tile URLs: browsers fetch new tiles
    after = client.get(_tile(31.0, 16.5, 8))
    image = Image.open(io.BytesIO(after.content)).convert("RGB")
    green = [p for p in image.get_flattened_data() if p[1] > 200 and p[0] < 80 and p[2] < 80]
    assert green and after.content != before.content
    collection = client.get(f"{API}/map-layers/geojson", headers=admin).json()
    assert {f["properties"]["name"] for f in collection["features"]} == {"Agreed line A", "Camp 7"}
    assert client.delete(f"{API}/map-layers/{layer['id']}", headers=admin).status_code == 204
    assert client.get(f"{API}/map-layers", headers=admin).json() == []
    assert client.delete(f"{API}/map-layers/{layer['id']}", headers=admin).status_code == 404


def test_bad_layers_are_refused_with_a_reason_and_nothing_stored(world):
    admin = _headers(world, "ada", "admin")
    client = world.devices_client
    cases = {
        "not json {": "not JSON",
        "[1, 2]": "must be an object",
        '{"type": "Topology"}': "unknown GeoJSON type",
        '{"type": "FeatureCollection", "features": []}': "no features",
        '{"type": "Point", "coordinates": [200, 31]}': "not a longitude, latitude",
        '{"type": "LineString", "coordinates": [[16, 31]]}': "at least 2 positions",
        '{"type": "Polygon", "coordinates": [[[16, 31], [17, 31], [17, 32], [16, 31.5]]]}': (
            "must end where it starts"
        ),
        '{"type": "Point", "coordinates": ["16", 31]}': "must be numbers",
        '{"type": "GeometryCollection", "geometries": []}': "unknown GeoJSON type",
    }
    for text, reason in cases.items():
        answer = client.post(f"{API}/map-layers", json={"name": "bad", "geojson": text}, headers=admin)
        assert answer.status_code == 422, (text, answer.status_code)
        assert reason in answer.text, (text, answer.text)
    padding = " " * (MAX_LAYER_BYTES + 1)
    too_big = client.post(
        f"{API}/map-layers", json={"name": "big", "geojson": json.dumps(LINE) + padding}, headers=admin
    )
    assert too_big.status_code == 422 and "at most" in too_big.text
    bad_colour = client.post(
        f"{API}/map-layers", json={"name": "c", "colour": "red", "geojson": json.dumps(LINE)}, headers=admin
    )
    assert bad_colour.status_code == 422
    assert client.get(f"{API}/map-layers", headers=admin).json() == []


def test_only_an_administrator_uploads_layers(world):
    verifier = _headers(world, "vera", "verifier")
    client = world.devices_client
    answer = client.post(
        f"{API}/map-layers", json={"name": "x", "geojson": json.dumps(LINE)}, headers=verifier
    )
    assert answer.status_code == 403
    assert client.get(f"{API}/map-layers", headers=verifier).status_code == 200
    assert client.post(f"{API}/map-layers", json={"name": "x", "geojson": "{}"}).status_code == 401
