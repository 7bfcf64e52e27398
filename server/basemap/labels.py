"""Which towns get a label at a zoom, and where the label goes.

Placed greedily in rank order (major towns, then the curated list, then GeoNames towns, then
airports, ports and the like), each label to the right of its dot, else to the left; a
label that would overlap one already placed is dropped. So density follows the zoom: the
main cities at country zoom, every gazetteer place once there is room. Country names are
placed first at the low zooms. Plans for whole zooms are computed over the whole region
and cached, so tiles agree along their edges.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from . import style
from .data import Town, countries, towns
from .projection import Viewport, unit_xy, world_size

COUNTRY_MAX_ZOOM = 7  # country names up to this zoom


@dataclass(frozen=True)
class Label:
    text: str
    x: float  # the dot, world pixels at the plan's zoom
    y: float
    box: tuple[float, float, float, float]  # the text: left, top, right, bottom (world pixels)
    size: int
    bold: bool = False
    dot: int = 6  # diameter in pixels; 0 for country names
    kind: str = "town"
    colour: object = style.TOWN


def plan(zoom: float, places: Sequence[Town] | None = None) -> tuple[Label, ...]:
    """Labels for the whole region at a zoom (world pixels)."""
    size = world_size(zoom)
    placed: list[Label] = []
    taken: list[tuple[float, float, float, float]] = []

    def free(box: tuple[float, float, float, float]) -> bool:
        return not any(box[0] < b[2] and box[2] > b[0] and box[1] < b[3] and box[3] > b[1] for b in taken)

    if zoom <= COUNTRY_MAX_ZOOM:
        for country in sorted(countries(), key=lambda c: (not c.focus, -c.geometry.area)):
            if not country.detailed:
                continue
            point = country.geometry.representative_point()
            x, y = point.x * size, point.y * size
            font_size = 15 if country.focus else 12
            width, height = _text_size(country.name.upper(), font_size, bold=True)
            box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
            if free(box):
                placed.append(
                    Label(country.name.upper(), x, y, box, font_size, True, 0, "country", style.COUNTRY_TEXT)
                )
                taken.append(box)
    candidates = [t for t in (towns() if places is None else places) if zoom >= t.min_zoom]
    for town in sorted(candidates, key=lambda t: (t.rank, t.name)):
        ux, uy = unit_xy(town.lat, town.lon)
        x, y = ux * size, uy * size
        font_size = 13 if town.rank == 0 else 11
        bold = town.rank == 0
        dot = 7 if town.rank == 0 else (6 if town.type == "town" else 5)
        width, height = _text_size(town.name, font_size, bold=bold)
        dot_box = (x - dot, y - dot, x + dot, y + dot)
        right = (x + dot / 2 + 3, y - height / 2 - 2, x + dot / 2 + 3 + width, y + height / 2)
        left = (x - dot / 2 - 3 - width, right[1], x - dot / 2 - 3, right[3])
        box = next((b for b in (right, left) if free(b) and free(dot_box)), None)
        if box is None:
            continue
        placed.append(Label(town.name, x, y, box, font_size, bold, dot, town.type))
        taken.extend([box, dot_box])
    return tuple(placed)


@cache
def plan_at(zoom: int) -> tuple[Label, ...]:
    """The cached plan of a whole zoom (tiles)."""
    return plan(float(zoom))


def in_view(labels: Sequence[Label], view: Viewport, margin: float = 4) -> list[Label]:
    left, top = view.left - margin, view.top - margin
    right, bottom = view.left + view.width + margin, view.top + view.height + margin
    return [
        label
        for label in labels
        if min(label.box[0], label.x - label.dot) < right
        and max(label.box[2], label.x + label.dot) > left
        and min(label.box[1], label.y - label.dot) < bottom
        and max(label.box[3], label.y + label.dot) > top
    ]


def plan_for_view(view: Viewport) -> list[Label]:
    """Labels of a window: the cached zoom plan when the zoom is whole, else a fresh plan."""
    whole = float(view.zoom).is_integer()
    labels = plan_at(int(view.zoom)) if whole else plan(view.zoom)
    return in_view(labels, view)


def _text_size(text: str, size: int, *, bold: bool) -> tuple[float, float]:
    left, top, right, bottom = style.font(size, bold=bold).getbbox(text)
    return right - left + 4, math.ceil(bottom) + 4  # the halo's width on each side
