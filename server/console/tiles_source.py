"""Where the console's maps get their tiles: the route and the version to put in the URL.

`basemap_router(app, mount_path=..., data_dir=...)` is the one call a mount makes (see
mount_console): it builds the tile renderer on the app's map-layer store, registers it as
this process's tile source, and returns the FastAPI router serving
`<mount_path>/tiles/{z}/{x}/{y}.png`. A console process of its own (issue 20) makes the same
call on whatever app serves its mount path. Until then a map asks `/console/tiles/...`
without a version (what a view built outside a mount, in a test, gets).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter

from server.basemap.routes import tile_router, tile_url_template
from server.basemap.tiles import TileRenderer

from .mounting import CONSOLE_PATH


@dataclass
class TileSource:
    mount_path: str = CONSOLE_PATH
    renderer: TileRenderer | None = None


SOURCE = TileSource()


def tile_url() -> str:
    """The TileLayer URL template for a map made now (the current layers' version in it)."""
    version = SOURCE.renderer.version() if SOURCE.renderer is not None else "base"
    return tile_url_template(SOURCE.mount_path, version)


def basemap_router(app: Any, *, mount_path: str = CONSOLE_PATH, data_dir: Path | None = None) -> APIRouter:
    from server.map_layers import store_for

    store = store_for(app)
    renderer = TileRenderer(store.layer_set, cache_dir=data_dir / "tiles" if data_dir is not None else None)
    SOURCE.mount_path, SOURCE.renderer = mount_path, renderer
    app.state.tiles = renderer  # for tests and diagnostics
    return tile_router(mount_path=mount_path, renderer=renderer)
