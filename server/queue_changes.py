"""What changed in the review queue since a cursor: the console polls this every few seconds.

A cursor is two numbers the server hands out: the newest `received_at` of any report and the
newest review event id. From a cursor the server answers
- `new`: how many reports matching the queue's filters arrived after it (counted up to
  `NEW_CAP`: a "999+ new" banner needs no exact count), read from the queue's own index
  (`ix_reports_queue`, or `ix_reports_state_queue` under a state filter) as a range on
  `received_at`;
- `changed`: the reports decided since (record id and state now), read from the review
  events' primary key as a range (at most `CHANGED_CAP`; `more` says the console should
  reload its page instead);
- `counts`: reports per state, from the tallies (as the queue's own counts).
Every part is an index range over what changed, so a poll costs the same at 200k reports as
at 200. It runs in a read-only snapshot (never `BEGIN IMMEDIATE`), so polls from many
verifiers never queue behind ingest.

A report whose transaction commits after a later-received one (a few milliseconds apart) can
be missed by the "new" count; the counts are exact and the page shows it at the next reload.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from . import tallies
from .models import Report, ReviewEvent
from .report_filters import ReportFilters
from .schemas import QueueChange, QueueChanges

NEW_CAP = 1000
CHANGED_CAP = 200


def changes(
    session: Session,
    filters: ReportFilters,
    *,
    since: datetime | None,
    since_event: int | None,
) -> QueueChanges:
    """The cursor now and, from the cursor given (if any), what is new and what was decided."""
    newest = session.scalar(sa.select(sa.func.max(col(Report.received_at))))
    last_event = session.scalar(sa.select(sa.func.max(col(ReviewEvent.id)))) or 0
    new = 0
    if since is not None:
        arrived = (
            sa.select(col(Report.record_id))
            .where(col(Report.received_at) > since, *filters.conditions())
            .limit(NEW_CAP)
            .subquery()
        )
        new = int(session.scalar(sa.select(sa.func.count()).select_from(arrived)) or 0)
    changed: list[QueueChange] = []
    more = False
    if since_event is not None and since_event < last_event:
        rows = session.execute(
            sa.select(col(ReviewEvent.id), col(ReviewEvent.record_id))
            .where(col(ReviewEvent.id) > since_event)
            .order_by(col(ReviewEvent.id))
            .limit(CHANGED_CAP + 1)
        ).all()
        more = len(rows) > CHANGED_CAP
        ids = list(dict.fromkeys(row.record_id for row in rows[:CHANGED_CAP]))
        states = dict(
            session.execute(
                sa.select(col(Report.record_id), col(Report.state)).where(col(Report.record_id).in_(ids))
            ).all()
        )
        changed = [QueueChange(record_id=i, state=states[i]) for i in ids if i in states]
        if more:
            last_event = rows[CHANGED_CAP - 1].id  # the rest comes with the next poll
    return QueueChanges(
        received_cursor=newest if newest is not None else since,
        event_cursor=last_event if since_event is None or last_event >= since_event else since_event,
        new=new,
        new_capped=new >= NEW_CAP,
        changed=changed,
        more=more,
        counts=tallies.counts(session, filters),
    )
