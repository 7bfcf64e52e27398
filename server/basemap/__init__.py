"""The offline basemap: raster tiles and static maps drawn by the server from shipped data.

- `render_map` (static.py): a PNG of any bounds with pins, lines and circles.
- `TileRenderer` (tiles.py): 256-pixel XYZ tiles, cached in memory and on disk.
- `tile_router` (routes.py): the same-origin route the console's maps load tiles from.
- layers.py: the mission's own GeoJSON layers (checks and drawing).
Nothing here touches the network: data in assets/geo, the gazetteer, fonts from packages.
"""

from .layers import LayerError, LayerFeature, parse_geojson
from .static import MapCircle, MapLine, MapPin, render_map, render_map_image

__all__ = [
    "LayerError",
    "LayerFeature",
    "MapCircle",
    "MapLine",
    "MapPin",
    "parse_geojson",
    "render_map",
    "render_map_image",
]
