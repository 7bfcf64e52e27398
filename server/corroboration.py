"""Corroboration candidates: other devices' reports of related kinds near in place and time.

Exact and nearest first. Distances are geodesic on WGS 84 (`sync.geo`, Karney's algorithm:
≈ 0.1 ms each in pure Python), so they are computed only where they decide something:

1. the prefilter (`ix_reports_nearby`: the time window is the index range; the degree box,
   the kinds and the device are tested inside the index) reads (id, lat, lon, time) only;
2. a spherical distance (microseconds) bounds each geodesic one within `SPHERE_ERROR`:
   clearly inside or outside the radius needs no geodesic, the thin ring between does;
3. the page is ranked by geodesic distance among every candidate whose lower bound could
   place it on the page; the rest are provably further.

So every report within the radius and window is counted (`total`) and reachable by paging;
no candidate is ever dropped to bound the work.
"""

import math
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from .clock import as_utc
from .errors import InvalidInput
from .geodesic import ERROR_KM, beyond, geodesic_km
from .models import Report
from .review import get_report, summary_fields, summary_rows
from .schemas import (
    CORROBORATION_HOURS_MAX,
    CORROBORATION_KM_MAX,
    CorroborationItem,
    CorroborationResponse,
)

MAX_ITEMS = 100  # one page
MEAN_RADIUS_KM = 6371.0088
# The sphere of the mean radius is within 0.6 % of the WGS 84 geodesic at any range; 1 % is
# the margin the bounds use (tested against the geodesic on random points).
SPHERE_ERROR = 0.01
# The smallest radius of curvature of WGS 84 (the meridian's, at the equator): a box drawn
# with it holds every point within the radius.
MIN_RADIUS_KM = 6335.0
ROUNDING_SLACK_KM = 0.002  # distances are shown to the metre

# Which kinds can confirm which. "other" may relate to anything.
_GROUPS = (
    {"unit_movement", "withdrawal", "heavy_weapons", "foreign_fighters"},
    {"violation", "heavy_weapons"},
    {"movement_restriction"},
)


def related_kinds(kind: str) -> set[str]:
    found = {kind, "other"}
    for group in _GROUPS:
        if kind in group:
            found |= group
    if kind == "other":
        found |= set().union(*_GROUPS)
    return found


def candidates(
    session: Session, record_id: str, *, km: float, hours: float, limit: int = MAX_ITEMS, offset: int = 0
) -> CorroborationResponse:
    if not (0 < km <= CORROBORATION_KM_MAX and math.isfinite(km)):
        raise InvalidInput(f"km must be more than 0 and at most {CORROBORATION_KM_MAX:g}")
    if not (0 < hours <= CORROBORATION_HOURS_MAX and math.isfinite(hours)):
        raise InvalidInput(f"hours must be more than 0 and at most {CORROBORATION_HOURS_MAX:g}")
    report = get_report(session, record_id)
    window = timedelta(hours=hours)
    # observed_at as the naive UTC stored (no conversion per row), compared with naive UTC
    observed = sa.type_coerce(col(Report.observed_at), sa.DateTime()).label("observed_at")
    query = sa.select(col(Report.record_id), col(Report.lat), col(Report.lon), observed).where(
        col(Report.observed_at).between(report.observed_at - window, report.observed_at + window),
        *box_conditions(report.lat, report.lon, km),
        col(Report.kind).in_(sorted(related_kinds(report.kind))),
        col(Report.device_id) != report.device_id,
    )
    near = _within(report, session.execute(query).all(), km, as_utc(report.observed_at).replace(tzinfo=None))
    ranked = _rank(report, near, offset + limit)[offset : offset + limit]
    rows = summary_rows(session, [c.id for c in ranked])
    items = [
        CorroborationItem(**summary_fields(rows[c.id]), distance_km=c.shown_km, hours_apart=c.hours_apart)
        for c in ranked
    ]
    return CorroborationResponse(km=km, hours=hours, total=len(near), limit=limit, offset=offset, items=items)


def box_conditions(lat: float, lon: float, km: float) -> list[sa.ColumnElement[bool]]:
    """A latitude/longitude box (degrees) that holds every point within `km` of (lat, lon)."""
    angle = km / MIN_RADIUS_KM  # radians, on a sphere smaller than the ellipsoid anywhere
    dlat = math.degrees(angle) * (1 + SPHERE_ERROR)
    found: list[sa.ColumnElement[bool]] = [col(Report.lat).between(lat - dlat, lat + dlat)]
    if abs(lat) + dlat >= 90:
        return found  # the circle reaches a pole: every longitude
    reach = math.sin(angle) / math.cos(math.radians(abs(lat) + dlat))
    if reach >= 1:
        return found
    dlon = math.degrees(math.asin(reach)) * (1 + SPHERE_ERROR) + 1e-9
    if dlon >= 180:
        return found
    low, high = lon - dlon, lon + dlon
    if low < -180:  # across the antimeridian: two ranges
        found.append(sa.or_(col(Report.lon) >= low + 360, col(Report.lon) <= high))
    elif high > 180:
        found.append(sa.or_(col(Report.lon) >= low, col(Report.lon) <= high - 360))
    else:
        found.append(col(Report.lon).between(low, high))
    return found


class _Near:
    """A prefiltered candidate: its spherical distance, then (where needed) its geodesic one —
    within `ERROR_KM` (server/geodesic.py: Vincenty, Karney where a millimetre decides), and
    rounded to the metre exactly as Karney's."""

    __slots__ = ("exact", "geodesic_km", "hours_apart", "id", "lat", "lon", "rounded", "sphere")

    def __init__(self, row: Any, sphere: float, hours_apart: float) -> None:
        self.id, self.lat, self.lon = row.record_id, row.lat, row.lon
        self.sphere, self.hours_apart = sphere, hours_apart
        self.geodesic_km: float | None = None
        self.rounded = 0.0
        self.exact = False

    def geodesic(self, lat: float, lon: float) -> float:
        if self.geodesic_km is None:
            self.geodesic_km, self.rounded, self.exact = geodesic_km(lat, lon, self.lat, self.lon)
        return self.geodesic_km

    def beyond(self, lat: float, lon: float, km: float) -> bool:
        return beyond(lat, lon, self.lat, self.lon, self.geodesic(lat, lon), self.exact, km)

    @property
    def lower(self) -> float:
        if self.geodesic_km is None:
            return self.sphere * (1 - SPHERE_ERROR)
        return self.geodesic_km - (0.0 if self.exact else ERROR_KM)

    @property
    def upper(self) -> float:
        if self.geodesic_km is None:
            return self.sphere * (1 + SPHERE_ERROR)
        return self.geodesic_km + (0.0 if self.exact else ERROR_KM)

    @property
    def shown_km(self) -> float:
        assert self.geodesic_km is not None
        return self.rounded


def _within(report: Report, rows: Sequence[Any], km: float, at: Any) -> list[_Near]:
    """Every prefiltered row whose geodesic distance is at most `km` (`at`: the report's
    observed time, naive UTC as the rows')."""
    lat1, lon1 = math.radians(report.lat), math.radians(report.lon)
    cos1 = math.cos(lat1)
    found = []
    for row in rows:
        lat2 = math.radians(row.lat)
        a = (
            math.sin((lat2 - lat1) / 2) ** 2
            + cos1 * math.cos(lat2) * math.sin((math.radians(row.lon) - lon1) / 2) ** 2
        )
        sphere = 2 * MEAN_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
        if sphere * (1 - SPHERE_ERROR) > km:
            continue
        near = _Near(
            row, sphere, round(abs((row.observed_at - at).total_seconds()) / 3600, 3)
        )
        if near.upper > km and near.beyond(report.lat, report.lon, km):
            continue
        found.append(near)
    return found


def _rank(report: Report, near: list[_Near], wanted: int) -> list[_Near]:
    """The first `wanted` by (distance shown, hours apart, id), geodesics computed only where needed."""
    if not near or wanted <= 0:
        return []
    near.sort(key=lambda n: n.upper)
    bound = near[min(wanted, len(near)) - 1].upper + ROUNDING_SLACK_KM
    contenders = [n for n in near if n.lower <= bound]
    for n in contenders:
        n.geodesic(report.lat, report.lon)
    contenders.sort(key=lambda n: (n.shown_km, n.hours_apart, n.id))
    return contenders[:wanted]
