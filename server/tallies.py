"""Counts that don't scan: reports per state, per device, gaps and forks, from `report_tallies`.

The tallies (device, kind, state, chain status -> n) are kept by triggers on `reports` in the
same transaction as each insert or update (migration 0005), so they are exact. The queue's
counts under filters the tallies hold (state, kind, device) are sums of a few hundred rows; a
time range or an area is counted from the reports themselves (through `ix_reports_nearby`
for a time range: the cost grows with the reports in the range, not with the table).
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.wire import REVIEW_STATES

from .models import Report, ReportTally
from .report_filters import ReportFilters


def counts(session: Session, filters: ReportFilters) -> dict[str, int]:
    """Reports per state (every state present) under the filters, the state filter ignored."""
    found = dict.fromkeys(REVIEW_STATES, 0)
    if _tallied(filters):
        query = sa.select(col(ReportTally.state), sa.func.sum(col(ReportTally.n))).group_by(
            col(ReportTally.state)
        )
        if filters.kind:
            query = query.where(col(ReportTally.kind) == filters.kind)
        if filters.device_id:
            query = query.where(col(ReportTally.device_id) == filters.device_id)
    else:
        query = (
            sa.select(col(Report.state), sa.func.count())
            .where(*filters.conditions(with_state=False))
            .group_by(col(Report.state))
        )
    for state, number in session.execute(query):
        found[state] = int(number or 0)
    return found


def total(filters: ReportFilters, by_state: dict[str, int]) -> int:
    """The queue's total from its counts (which ignore the state filter)."""
    return by_state.get(filters.state, 0) if filters.state else sum(by_state.values())


def device_stats(session: Session, device_id: str | None = None) -> dict[str, tuple[int, int, int]]:
    """device id -> (reports, gaps, forks); one device's alone when `device_id` is given."""
    query = sa.select(
        col(ReportTally.device_id),
        sa.func.sum(col(ReportTally.n)),
        sa.func.sum(sa.case((col(ReportTally.chain_status) == "gap", col(ReportTally.n)), else_=0)),
        sa.func.sum(sa.case((col(ReportTally.chain_status) == "fork", col(ReportTally.n)), else_=0)),
    ).group_by(col(ReportTally.device_id))
    if device_id is not None:
        query = query.where(col(ReportTally.device_id) == device_id)
    return {row[0]: (int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)) for row in session.execute(query)}


def _tallied(filters: ReportFilters) -> bool:
    return not (filters.observed_from or filters.observed_to or filters.bbox)
