"""The reports a situation report counts, read as a stream (`CHUNK` rows at a time: a year of
200,000 reports never sits in memory), oldest observation first.

Counted: reports in the definition's states whose observation falls in the window, except an
original a counted amendment supersedes (the correction is counted in its place, once).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from sync.sitrep_format import UNSPECIFIED, VIOLATION_TYPES, events_of

from ..models import Report
from ..record_content import read_stored
from .areas import Area, AreaFinder

CHUNK = 500


@dataclass(frozen=True)
class Counted:
    """One counted report: its columns, its signed content and its area."""

    record_id: str
    body_hash: str
    kind: str
    state: str
    observed_at: datetime
    lat: float
    lon: float
    content: dict[str, Any]
    area: Area
    location_description: str | None = None  # English, stored at ingest

    def location(self, describe: Any) -> dict[str, str]:
        """Where, in English and Arabic ("12 km NE of Sirte")."""
        return {
            "en": self.location_description or describe(self.lat, self.lon, "en"),
            "ar": describe(self.lat, self.lon, "ar"),
        }

    @property
    def details(self) -> dict[str, Any]:
        found = self.content.get("details")
        return found if isinstance(found, dict) else {}

    @property
    def violation_type(self) -> str | None:
        if self.kind != "violation":
            return None
        found = self.details.get("type")
        return found if found in VIOLATION_TYPES else UNSPECIFIED  # a body stored before the checks

    def compact(self, *, unverified: bool) -> dict[str, Any]:
        """What the tally counts and the JSON lists for every counted record."""
        return {
            "record_id": self.record_id,
            "body_hash": self.body_hash,
            "observed_at": self.observed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "area": self.area.id,
            "kind": self.kind,
            "violation_type": self.violation_type,
            "events": events_of(self.details) if self.kind == "violation" else 0,
            "unverified": unverified,
        }


def counted(
    session: Session, *, states: tuple[str, ...], start: datetime, end: datetime, areas: AreaFinder
) -> Iterator[Counted]:
    """Every counted report observed in [start, end), oldest first (ties by record id)."""
    newer = aliased(Report)
    superseded = (
        sa.select(col(newer.record_id))
        .where(
            col(newer.amends) == col(Report.record_id),
            col(newer.state).in_(states),
            col(newer.amends_invalid) == sa.false(),
        )
        .exists()
    )
    query = (
        sa.select(
            col(Report.record_id),
            col(Report.body_hash),
            col(Report.kind),
            col(Report.state),
            col(Report.observed_at),
            col(Report.lat),
            col(Report.lon),
            col(Report.location_description),
            col(Report.body),
        )
        .where(
            col(Report.state).in_(states),
            col(Report.observed_at) >= start,
            col(Report.observed_at) < end,
            ~superseded,
        )
        .order_by(col(Report.observed_at), col(Report.record_id))
        .execution_options(yield_per=CHUNK)
    )
    for part in session.execute(query).partitions():
        for row in part:
            content = read_stored(row.body).content
            yield Counted(
                record_id=row.record_id,
                body_hash=row.body_hash,
                kind=row.kind,
                state=row.state,
                observed_at=row.observed_at,
                lat=row.lat,
                lon=row.lon,
                content=content,
                area=areas.area_of(row.lat, row.lon),
                location_description=row.location_description,
            )
