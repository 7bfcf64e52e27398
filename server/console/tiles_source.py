"""Where the console's maps get their tiles: the route and the version to put in the URL.

`basemap_router(app, mount_path=..., data_dir=...)` is the one call a mount makes (see
mount_console): it builds the tile renderer on the app's map-layer store, registers it as
this process's tile source, and returns the FastAPI router serving
`<mount_path>/tiles/{z}/{x}/{y}.png`. A console process of its own (issue 20) makes the same
call on whatever app serves its mount path. Until then a map asks `/console/tiles/...`
without a version (what a view built outside a mount, in a test, gets).
"""

from __future__ import annotations

import threading
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


def warm(zooms: range = range(3, 13)) -> None:
    """Prepare each zoom's simplified outlines and label plan once, in the background, so
    the first tiles of a zoom a verifier opens are not the ones that pay for it."""
    from server.basemap.data import simplified_countries
    from server.basemap.labels import plan_at

    for zoom in zooms:
        simplified_countries(zoom)
        plan_at(zoom)


def basemap_router(app: Any, settings: Any, *, mount_path: str = CONSOLE_PATH) -> APIRouter:
    """The tile route for a console mounted on `app`, registered as this process's source.

    The layers are read from the database: through the server's context when the console is
    mounted in the server's app, else (the console's own process, issue 20) through an engine
    of its own on `settings.database_url`, reading only `map_layers` and `register_entries`,
    never writing. Tiles are kept under `settings.data_dir`/tiles.
    """
    from server.map_layers import MapLayerStore, store_for

    if getattr(app.state, "context", None) is not None:
        store = store_for(app)
    else:
        from server.database import make_engine, session_factory

        store = MapLayerStore(session_factory(make_engine(settings.database_url)))
        app.state.map_layers = store
    data_dir: Path | None = getattr(settings, "data_dir", None)
    renderer = TileRenderer(store.layer_set, cache_dir=data_dir / "tiles" if data_dir is not None else None)
    SOURCE.mount_path, SOURCE.renderer = mount_path, renderer
    app.state.tiles = renderer  # for tests and diagnostics
    threading.Thread(target=warm, name="basemap-warm", daemon=True).start()
    return tile_router(mount_path=mount_path, renderer=renderer)
