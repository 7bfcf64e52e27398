"""Pins that overlap at a zoom, grouped (the console's maps cluster them).

Distance in screen pixels at that zoom: pins closer than `radius_px` to a cluster's first
pin join it, scanning in a fixed order over a grid of `radius_px` cells, so the result is the
same for the same pins and zoom. A cluster's position is the mean of its pins; `split_zoom`
is the first zoom at which it no longer holds all its pins together (where a click on it
zooms to).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .projection import unit_xy, world_size

RADIUS_PX = 34.0  # a pin is 14-24 px: nearer than this they touch or hide one another


@dataclass(frozen=True)
class Cluster:
    members: tuple[int, ...]  # indexes into the pins given
    lat: float
    lon: float


def cluster(points: Sequence[tuple[float, float]], zoom: float, *, radius_px: float = RADIUS_PX) -> list[Cluster]:
    """Group (lat, lon) points that fall within radius_px of each other at a zoom."""
    size = world_size(zoom)
    pixels = [(ux * size, uy * size) for ux, uy in (unit_xy(lat, lon) for lat, lon in points)]
    cells: dict[tuple[int, int], list[int]] = {}
    for index, (x, y) in enumerate(pixels):
        cells.setdefault((int(x // radius_px), int(y // radius_px)), []).append(index)
    taken = [False] * len(points)
    out: list[Cluster] = []
    limit = radius_px * radius_px
    for index in sorted(range(len(points)), key=lambda i: (pixels[i][1], pixels[i][0], i)):
        if taken[index]:
            continue
        x, y = pixels[index]
        cx, cy = int(x // radius_px), int(y // radius_px)
        members = []
        for gx in (cx - 1, cx, cx + 1):
            for gy in (cy - 1, cy, cy + 1):
                for other in cells.get((gx, gy), ()):
                    ox, oy = pixels[other]
                    if not taken[other] and (ox - x) ** 2 + (oy - y) ** 2 <= limit:
                        members.append(other)
        for member in members:
            taken[member] = True
        members.sort()
        lat = sum(points[m][0] for m in members) / len(members)
        lon = sum(points[m][1] for m in members) / len(members)
        out.append(Cluster(members=tuple(members), lat=lat, lon=lon))
    return out


def split_zoom(
    points: Sequence[tuple[float, float]], zoom: int, *, max_zoom: int = 16, radius_px: float = RADIUS_PX
) -> int:
    """The first zoom above `zoom` at which these points are no longer one cluster."""
    for z in range(zoom + 1, max_zoom + 1):
        if len(cluster(points, z, radius_px=radius_px)) > 1:
            return z
    return max_zoom
