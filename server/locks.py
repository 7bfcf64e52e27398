"""Reviewer locks: so two verifiers don't work the same report at once.

A lock is an idle timeout: it lapses `settings.lock_idle` (10 minutes, FIELDAPP_LOCK_IDLE_MINUTES)
after its holder last took or renewed it, and the console renews it while the verifier works
on the report (server/console/views/shortcuts.py). A decision releases it, and so does the
console when the verifier leaves the report. A lapsed lock is anybody's. Taking a lock someone
else holds is refused with 409.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from .clock import Clock
from .database import insert_ignoring_conflicts
from .errors import Conflict, NotFound
from .models import Report, ReviewLock, table_of
from .schemas import LockInfo
from .settings import Settings


class LockedByOther(Conflict):
    """Another verifier is working on this report."""


def current(session: Session, record_id: str, *, clock: Clock) -> LockInfo | None:
    lock = session.get(ReviewLock, record_id)
    if lock is None or lock.expires_at <= clock():
        return None
    return LockInfo.model_validate(lock, from_attributes=True)


def take(session: Session, settings: Settings, record_id: str, *, username: str, clock: Clock) -> LockInfo:
    if session.get(Report, record_id) is None:
        raise NotFound("no such report")
    now = clock()
    session.execute(
        sa.delete(ReviewLock).where(col(ReviewLock.record_id) == record_id, col(ReviewLock.expires_at) <= now)
    )
    insert = insert_ignoring_conflicts(session, table_of(ReviewLock), key=["record_id"])
    values = {
        "record_id": record_id,
        "username": username,
        "taken_at": now,
        "expires_at": now + settings.lock_idle,
    }
    session.execute(insert.values(**values))
    session.execute(
        sa.update(ReviewLock)
        .where(col(ReviewLock.record_id) == record_id, col(ReviewLock.username) == username)
        .values(expires_at=now + settings.lock_idle)
    )
    session.expire_all()
    lock = session.get(ReviewLock, record_id)
    if lock is None or lock.username != username:
        raise LockedByOther(f"{lock.username if lock else 'another verifier'} is working on this report")
    return LockInfo.model_validate(lock, from_attributes=True)


def release(session: Session, record_id: str, *, username: str) -> None:
    """Release your own lock (releasing a lock you don't hold does nothing)."""
    session.execute(
        sa.delete(ReviewLock).where(
            col(ReviewLock.record_id) == record_id, col(ReviewLock.username) == username
        )
    )
