"""Reports as the tracker and the flags read them: kind, place, time, device and the register
ids their fields name.

A field that names a register entry holds `{"id": ..., "name": ...}` (picked from the
register) or plain text (typed: what the register lacks). Only ids count: free text is shown
to verifiers but never matched to an entry by name, so a spelling can't move the tracker.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from ..models import Report
from ..record_content import read_stored

SCAN_LIMIT = 20_000  # newest reports read for flags; a mission's verified reports are fewer


@dataclass(frozen=True)
class ReportFacts:
    """What a report says, for the mission layer."""

    record_id: str
    device_id: str
    kind: str
    state: str
    observed_at: datetime
    lat: float
    lon: float
    details: dict[str, Any]

    def ref(self, name: str) -> str | None:
        """The register id a detail field names (None for free text or nothing)."""
        value = self.details.get(name)
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            return value["id"]
        return None

    def number(self, name: str) -> int:
        value = self.details.get(name)
        return value if type(value) is int and value > 0 else 0

    def text(self, name: str) -> str:
        value = self.details.get(name)
        if isinstance(value, dict):
            value = value.get("name")
        return value if isinstance(value, str) else ""


def read_reports(
    session: Session,
    *,
    states: Iterable[str],
    kinds: Iterable[str] | None = None,
    record_ids: Iterable[str] | None = None,
    limit: int = SCAN_LIMIT,
) -> Iterator[ReportFacts]:
    """Reports in these states (and kinds), newest observation first."""
    query = sa.select(Report).where(col(Report.state).in_(list(states)))
    if kinds is not None:
        query = query.where(col(Report.kind).in_(list(kinds)))
    if record_ids is not None:
        query = query.where(col(Report.record_id).in_(list(record_ids)))
    for report in session.scalars(query.order_by(col(Report.observed_at).desc()).limit(limit)):
        content = read_stored(report.body).content
        details = content.get("details")
        yield ReportFacts(
            record_id=report.record_id,
            device_id=report.device_id,
            kind=report.kind,
            state=report.state,
            observed_at=report.observed_at,
            lat=report.lat,
            lon=report.lon,
            details=details if isinstance(details, dict) else {},
        )
