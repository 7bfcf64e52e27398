"""Corroboration candidates: other devices' reports of related kinds near in place and time.

Distances are geodesic on WGS 84 (`sync.geo`). A bounding box in degrees narrows the
query first; the exact distance decides.
"""

import math
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.geo import distance_km

from .errors import InvalidInput
from .models import Report
from .review import get_report, summary
from .schemas import (
    CORROBORATION_HOURS_MAX,
    CORROBORATION_KM_MAX,
    CorroborationItem,
    CorroborationResponse,
)

MAX_ITEMS = 100
KM_PER_DEGREE = 111.0

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


def candidates(session: Session, record_id: str, *, km: float, hours: float) -> CorroborationResponse:
    if not (0 < km <= CORROBORATION_KM_MAX and math.isfinite(km)):
        raise InvalidInput(f"km must be more than 0 and at most {CORROBORATION_KM_MAX:g}")
    if not (0 < hours <= CORROBORATION_HOURS_MAX and math.isfinite(hours)):
        raise InvalidInput(f"hours must be more than 0 and at most {CORROBORATION_HOURS_MAX:g}")
    report = get_report(session, record_id)
    window = timedelta(hours=hours)
    dlat = km / KM_PER_DEGREE
    conditions = [
        col(Report.device_id) != report.device_id,
        col(Report.kind).in_(sorted(related_kinds(report.kind))),
        col(Report.observed_at).between(report.observed_at - window, report.observed_at + window),
        col(Report.lat).between(report.lat - dlat, report.lat + dlat),
    ]
    cos_lat = math.cos(math.radians(min(abs(report.lat) + dlat, 89.0)))
    dlon = km / (KM_PER_DEGREE * cos_lat)
    if abs(report.lon) + dlon < 180:  # near the antimeridian: leave longitude to the exact test
        conditions.append(col(Report.lon).between(report.lon - dlon, report.lon + dlon))
    items = []
    for other in session.scalars(sa.select(Report).where(*conditions).limit(5000)):
        distance = distance_km(report.lat, report.lon, other.lat, other.lon)
        if distance <= km:
            apart = abs((other.observed_at - report.observed_at).total_seconds()) / 3600
            items.append(
                CorroborationItem(
                    **summary(other).model_dump(), distance_km=round(distance, 3), hours_apart=round(apart, 3)
                )
            )
    items.sort(key=lambda item: (item.distance_km, item.hours_apart))
    return CorroborationResponse(km=km, hours=hours, items=items[:MAX_ITEMS])
