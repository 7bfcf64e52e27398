"""Rebuild libya-region.geojson from Natural Earth data in the world-atlas npm package.

Run from the repository root after fetching the package through npm:

    (cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
    .venv/bin/python assets/geo/build_outline.py /tmp/package/countries-10m.json

The TopoJSON arcs are decoded (quantized, delta-encoded), each ring is simplified with
Douglas-Peucker and rounded, so the console's offline base map stays small.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

COUNTRIES = ("Libya", "Tunisia", "Algeria", "Niger", "Chad", "Sudan", "Egypt")
TOLERANCE_DEG = 0.005  # degrees, about 0.5 km: fine for an outline from country down to town zoom
DECIMALS = 3


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (TopoJSON stores quantized deltas)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Join a ring's arcs; a negative index (~i) means arc i reversed. Shared ends are dropped."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative (rings have thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, worst_at = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                distance = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if distance > worst:
                worst, worst_at = distance, i
        if worst > tolerance:
            keep[worst_at] = True
            stack.extend([(first, worst_at), (worst_at, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def build(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        if name not in COUNTRIES:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        out = []
        for polygon in polygons:
            rings = []
            for ring in polygon:
                simple = simplify(ring_points(ring, arcs), TOLERANCE_DEG)
                if len(simple) >= 4:
                    rings.append([[round(x, DECIMALS), round(y, DECIMALS)] for x, y in simple])
            if rings:
                out.append(rings)
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "iso_n3": geometry.get("id")},
                "geometry": {"type": "MultiPolygon", "coordinates": out},
            }
        )
    features.sort(key=lambda f: f["properties"]["name"] != "Libya")  # Libya first, drawn as focus
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    source = Path(sys.argv[1])
    target = Path(__file__).with_name("libya-region.geojson")
    collection = build(json.loads(source.read_text()))
    target.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    print(f"{target}: {len(collection['features'])} countries, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
