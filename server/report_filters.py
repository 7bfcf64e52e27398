"""Filters shared by the review queue and the exports."""

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col

from .errors import InvalidInput
from .models import Report


@dataclass(frozen=True)
class ReportFilters:
    """state, kind and device match exactly; observed time range inclusive; bbox in degrees."""

    state: str | None = None
    kind: str | None = None
    device_id: str | None = None
    observed_from: datetime | None = None
    observed_to: datetime | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat

    def conditions(self, *, with_state: bool = True) -> list[sa.ColumnElement[bool]]:
        found: list[sa.ColumnElement[bool]] = []
        if with_state and self.state:
            found.append(col(Report.state) == self.state)
        if self.kind:
            found.append(col(Report.kind) == self.kind)
        if self.device_id:
            found.append(col(Report.device_id) == self.device_id)
        if self.observed_from:
            found.append(col(Report.observed_at) >= self.observed_from)
        if self.observed_to:
            found.append(col(Report.observed_at) <= self.observed_to)
        if self.bbox:
            min_lon, min_lat, max_lon, max_lat = self.bbox
            found.append(col(Report.lat).between(min_lat, max_lat))
            if min_lon <= max_lon:
                found.append(col(Report.lon).between(min_lon, max_lon))
            else:  # crosses the antimeridian (RFC 7946 §5.2)
                found.append(sa.or_(col(Report.lon) >= min_lon, col(Report.lon) <= max_lon))
        return found


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """`min_lon,min_lat,max_lon,max_lat` (the order of RFC 7946 and most map tools)."""
    if not text:
        return None
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError as exc:
        raise InvalidInput("bbox must be min_lon,min_lat,max_lon,max_lat in degrees") from exc
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidInput("bbox must be min_lon,min_lat,max_lon,max_lat in degrees")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise InvalidInput("bbox out of range: longitudes -180..180, latitudes -90..90 with min ≤ max")
    return min_lon, min_lat, max_lon, max_lat
