"""Build neighbours.geojson: the countries around the mission area, for the basemap's context.

libya-region.geojson holds Libya and its six neighbours in detail (1:10m); this file holds
every other country that shows on a map of the region (Italy, Malta, Greece, Turkey, the
Sahel...) at 1:50m, clipped to the region's box, so the sea north of Libya is not drawn
over Sicily and Crete. Same source as build_outline.py (Natural Earth via world-atlas):

    (cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
    .venv/bin/python assets/geo/build_neighbours.py /tmp/package/countries-50m.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon, box, mapping

sys.path.insert(0, str(Path(__file__).parent))
from build_outline import COUNTRIES, decode_arcs, ring_points  # noqa: E402

REGION = (-12.0, -2.0, 48.0, 50.0)  # west, south, east, north: what a map of Libya can show
TOLERANCE_DEG = 0.02  # about 2 km: context only, never zoomed into
DECIMALS = 3


def build(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    region = box(*REGION)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name")
        if not name or name in COUNTRIES or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        parts = []
        for polygon in polygons:
            rings = [ring_points(ring, arcs) for ring in polygon]
            if len(rings[0]) >= 4:
                parts.append(Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4]).buffer(0))
        shape = MultiPolygon([p for part in parts for p in getattr(part, "geoms", [part])])
        clipped = shape.intersection(region).simplify(TOLERANCE_DEG)
        if clipped.is_empty:
            continue
        geo = json.loads(json.dumps(mapping(clipped)))
        features.append({"type": "Feature", "properties": {"name": name}, "geometry": _rounded(geo)})
    features.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "features": features}


def _rounded(value):
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def main() -> None:
    source = Path(sys.argv[1])
    target = Path(__file__).with_name("neighbours.geojson")
    collection = build(json.loads(source.read_text()))
    target.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    print(f"{target}: {len(collection['features'])} countries, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
