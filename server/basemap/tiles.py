"""XYZ raster tiles of the basemap, drawn on demand and kept.

Why on demand from vector data rather than a prebuilt MBTiles/PMTiles file: the shipped data
is small (about 170 KB of outlines and 150 places), a tile draws in tens of milliseconds, and
the mission's own layers (uploaded at any time) are drawn into the tiles; a prebuilt file
would be tens of megabytes in the repository and would have to be rebuilt on every upload.
Each tile is drawn once per layer version: kept in memory (LRU) and, when a directory is
given, on disk (data_dir/tiles/<version>/z/x/y.png), so a restart does not redraw them.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .draw import paint_base
from .layers import LayerFeature
from .projection import Viewport

MIN_ZOOM = 0
MAX_ZOOM = 14  # about 10 m a pixel: past the 1:10m outlines' detail already
GRID_LABEL_EVERY = 3  # tiles: grid lines are labelled in every third row / column
MEMORY_TILES = 1024  # about 30 MB of PNGs at most


@dataclass(frozen=True)
class LayerSet:
    """What the tiles draw besides the shipped data, and its version (the cache key)."""

    version: str
    features: Sequence[LayerFeature] = field(default_factory=tuple)


NO_LAYERS = LayerSet(version="base")
BASE_STYLE = "s2"  # bump when the drawing changes, so browsers and the disk cache drop old tiles


def layer_version(parts: Sequence[str]) -> str:
    """A short stable version from the layers' identities (ids and update times)."""
    digest = hashlib.sha256("\n".join([BASE_STYLE, *parts]).encode()).hexdigest()
    return digest[:12]


class TileOutOfRange(ValueError):
    """z/x/y does not name a tile of this basemap."""


def check_tile(z: int, x: int, y: int) -> None:
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        raise TileOutOfRange(f"zoom {z} is outside {MIN_ZOOM}-{MAX_ZOOM}")
    side = 2**z
    if not (0 <= x < side and 0 <= y < side):
        raise TileOutOfRange(f"tile {x}/{y} is outside zoom {z}'s 0-{side - 1}")


class TileRenderer:
    """Tiles for the current layers; `layers` is asked each time (cheap: the store caches)."""

    def __init__(
        self,
        layers: Callable[[], LayerSet] = lambda: NO_LAYERS,
        *,
        cache_dir: Path | None = None,
        memory_tiles: int = MEMORY_TILES,
    ) -> None:
        self.layers = layers
        self.cache_dir = cache_dir
        self.memory_tiles = memory_tiles
        self._memory: OrderedDict[tuple[str, int, int, int], bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.drawn = 0  # tiles drawn (not served from a cache): for tests and diagnostics

    def version(self) -> str:
        return self.layers().version

    def tile(self, z: int, x: int, y: int) -> tuple[str, bytes]:
        """(version, PNG bytes) of a tile; TileOutOfRange for a z/x/y outside the map."""
        check_tile(z, x, y)
        current = self.layers()
        key = (current.version, z, x, y)
        with self._lock:
            cached = self._memory.get(key)
            if cached is not None:
                self._memory.move_to_end(key)
                return current.version, cached
        data = self._from_disk(key)
        if data is None:
            data = render_tile(z, x, y, current.features)
            self.drawn += 1
            self._to_disk(key, data)
        with self._lock:
            self._memory[key] = data
            while len(self._memory) > self.memory_tiles:
                self._memory.popitem(last=False)
        return current.version, data

    def _path(self, key: tuple[str, int, int, int]) -> Path | None:
        if self.cache_dir is None:
            return None
        version, z, x, y = key
        return self.cache_dir / version / str(z) / str(x) / f"{y}.png"

    def _from_disk(self, key: tuple[str, int, int, int]) -> bytes | None:
        path = self._path(key)
        try:
            return path.read_bytes() if path is not None else None
        except OSError:
            return None

    def _to_disk(self, key: tuple[str, int, int, int], data: bytes) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
            partial.write_bytes(data)
            partial.replace(path)  # whole or not at all: a reader never sees half a tile
        except OSError:
            pass  # a full or read-only disk only costs a redraw next time


def render_tile(z: int, x: int, y: int, features: Sequence[LayerFeature] = ()) -> bytes:
    """One 256-pixel tile as PNG bytes."""
    check_tile(z, x, y)
    grid_labels = (y % GRID_LABEL_EVERY == 0, x % GRID_LABEL_EVERY == 0)
    image = paint_base(Viewport.tile(z, x, y), features=features, grid_labels=grid_labels).finish()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
