"""The basemap the server draws (server/basemap): tiles hold land, sea, labelled towns and the
mission's layers; static maps hold pins, lines and circles; labels never overlap and grow
denser with zoom; pins cluster by zoom."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from server.basemap import MapCircle, MapLine, MapPin, render_map, style
from server.basemap.clusters import cluster, split_zoom
from server.basemap.draw import paint_base
from server.basemap.labels import plan_at, plan_for_view
from server.basemap.layers import features_of, parse_geojson
from server.basemap.projection import Viewport, unit_xy
from server.basemap.tiles import TileOutOfRange, TileRenderer, render_tile

SIRTE = (31.2089, 16.5887)


def _tile_of(lat: float, lon: float, z: int) -> tuple[int, int]:
    ux, uy = unit_xy(lat, lon)
    return int(ux * 2**z), int(uy * 2**z)


def _png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(data)).convert("RGB")


def _dark(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    """Pixels in a box dark enough to be text (land, sea and grid are all light)."""
    crop = image.crop(tuple(round(v) for v in box))
    return sum(1 for r, g, b in crop.get_flattened_data() if r + g + b < 300)


def test_a_tile_at_a_town_holds_its_label():
    z = 8
    x, y = _tile_of(*SIRTE, z)
    view = Viewport.tile(z, x, y)
    label = next(lab for lab in plan_for_view(view) if lab.text == "Sirte")
    box = (
        label.box[0] - view.left,
        label.box[1] - view.top,
        label.box[2] - view.left,
        label.box[3] - view.top,
    )
    box = (max(0, box[0]), max(0, box[1]), min(256, box[2]), min(256, box[3]))
    with_labels = _png(render_tile(z, x, y))
    without = paint_base(view, labels=[]).finish().convert("RGB")
    assert _dark(with_labels, box) > 40, "no label drawn where Sirte's label is placed"
    assert _dark(without, box) < 5  # the dark pixels are the label's, not the ground's


def test_tiles_show_sea_north_of_the_coast_and_land_south_of_it():
    z = 7
    x, y = _tile_of(33.6, 16.5, z)  # the Gulf of Sirte, open sea
    sea = _png(render_tile(z, x, y)).getpixel((128, 128))
    x, y = _tile_of(27.0, 16.5, z)  # the Libyan desert
    land = _png(render_tile(z, x, y)).getpixel((128, 128))
    assert sea == Image.new("RGB", (1, 1), style.SEA).getpixel((0, 0))
    assert land == Image.new("RGB", (1, 1), style.FOCUS).getpixel((0, 0))


def test_label_density_follows_zoom_and_labels_never_overlap():
    counts = {z: len(plan_at(z)) for z in (4, 6, 8, 10)}
    assert counts[4] < counts[6] < counts[8] <= counts[10]
    at4 = {lab.text for lab in plan_at(4)}
    assert {"Tripoli", "Benghazi", "LIBYA"} <= at4 and "Sokna" not in at4  # main cities first
    for z in (4, 6, 8):
        boxes = [lab.box for lab in plan_at(z)]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not (a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]), (z, a, b)


def test_tile_bounds_are_checked():
    for z, x, y in [(-1, 0, 0), (15, 0, 0), (3, 8, 0), (3, 0, -1)]:
        with pytest.raises(TileOutOfRange):
            render_tile(z, x, y)


def test_renderer_draws_each_tile_once_and_keeps_it_on_disk(tmp_path):
    renderer = TileRenderer(cache_dir=tmp_path)
    version, first = renderer.tile(6, 34, 26)
    assert renderer.tile(6, 34, 26) == (version, first) and renderer.drawn == 1
    again = TileRenderer(cache_dir=tmp_path)  # a restart: read from disk, not drawn
    assert again.tile(6, 34, 26) == (version, first) and again.drawn == 0
    assert not list(tmp_path.rglob("*.part"))


def test_static_map_draws_pins_lines_circle_and_legend():
    data = render_map(
        None,
        (600, 400),
        pins=[MapPin(*SIRTE, colour="#ff0000", label="report 1")],
        lines=[MapLine([(31.0, 16.0), (30.5, 16.8)], colour="#00ff00")],
        circles=[MapCircle(*SIRTE, radius_km=10, colour="#0000ff")],
        legend=[("#ff0000", "received")],
    )
    image = _png(data)
    assert image.size == (600, 400)
    colours = set(image.get_flattened_data())
    assert any(r > 200 and g < 60 and b < 60 for r, g, b in colours)  # the pin
    assert any(g > 200 and r < 60 and b < 60 for r, g, b in colours)  # the line
    assert any(b > 200 and r < 60 and g < 60 for r, g, b in colours)  # the circle's edge
    with pytest.raises(ValueError):
        render_map(None, (4, 4))


def test_static_map_circle_is_to_scale():
    """A 50 km circle at a known zoom spans 100 km of pixels (metres per pixel at its latitude)."""
    from server.basemap.projection import metres_per_pixel

    bounds = ((30.5, 15.5), (32.0, 17.5))
    view = Viewport.fit(*bounds, 800, 800)
    image = _png(render_map(bounds, (800, 800), circles=[MapCircle(*SIRTE, radius_km=50, colour="#0000ff")]))
    _cx, cy = view.pixel(*SIRTE)
    row = [image.getpixel((px, round(cy))) for px in range(800)]
    edge = [px for px, (r, g, b) in enumerate(row) if b > 180 and r < 80 and g < 80]
    diameter_m = (max(edge) - min(edge)) * metres_per_pixel(SIRTE[0], view.zoom)
    assert 95_000 < diameter_m < 105_000


def test_layers_are_drawn_into_tiles():
    layer = parse_geojson(
        '{"type":"Feature","properties":{"name":"Line A"},"geometry":{"type":"LineString",'
        '"coordinates":[[16.0,31.5],[17.0,30.5]]}}'
    )
    features = features_of(layer, colour="#00ff00")
    x, y = _tile_of(31.0, 16.5, 8)
    plain, drawn = _png(render_tile(8, x, y)), _png(render_tile(8, x, y, features))
    green = [p for p in drawn.get_flattened_data() if p[1] > 200 and p[0] < 80 and p[2] < 80]
    assert green and plain != drawn


def test_clusters_by_pixels_at_a_zoom():
    row = [(32.3754 - 2 * i / 111.0, 15.0925) for i in range(6)]  # 2 km apart
    far = [(32.116, 20.067)]
    at6 = cluster(row + far, 6)
    assert sorted(len(c.members) for c in at6) == [1, 6]
    assert len(cluster(row + far, 13)) == 7
    assert split_zoom(row, 6) < 13
    assert len(cluster(row, split_zoom(row, 6))) > 1
