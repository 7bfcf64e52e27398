"""Failed sign-ins, limited per account name and per client address, in the database.

State lives in `login_throttle`, so every server process sharing the database enforces the
same limits. An attempt is *charged in advance*: before the password is checked, one
short transaction refuses it (429) if the account or the address is locked, else counts it
as a failure and, from the `login_free_failures`-th on, locks for `login_lock_base`
doubling per further failure (at most `login_lock_max`). A correct password then clears
the account and refunds the address. Charging first means a burst of parallel guesses
gets no more tries than a sequence would. Nothing here depends on whether the account
exists: an unknown name is counted, locked and answered exactly like a known one.

Each checked attempt is appended to `login_events` (the login audit: `failed` with the lock
it started, `ok`, and `unlocked` by an administrator); refusals while locked are not
guesses and are not written, so a locked-out attacker cannot grow the table.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from .database import insert_ignoring_conflicts
from .errors import ServerError
from .models import LoginEvent, LoginThrottle, table_of
from .settings import Settings

log = logging.getLogger("fieldapp.server.login_throttle")
ACCOUNT, ADDRESS = "account", "address"
KEY_CHARS = 64


class TooManyAttempts(ServerError):
    """Too many failed sign-ins: wait, then try again."""

    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many failed sign-ins from here or for this account; try again in {retry_after} s"
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the name as typed and the client's address (both cut to the column size)."""

    username: str
    address: str

    def keys(self, settings: Settings) -> list[tuple[str, str, int]]:
        return [
            (ACCOUNT, self.username[:KEY_CHARS], settings.login_free_failures),
            (ADDRESS, self.address[:KEY_CHARS], settings.login_free_failures_per_address),
        ]


def admit(session: Session, settings: Settings, attempt: Attempt, *, now: datetime) -> datetime | None:
    """Refuse (TooManyAttempts) while locked; else charge the attempt. Returns the lock it started."""
    rows = [(_locked_row(session, scope, key, now), free) for scope, key, free in attempt.keys(settings)]
    waits = [row.locked_until for row, _ in rows if row.locked_until is not None and row.locked_until > now]
    if waits:
        raise TooManyAttempts(max(1, math.ceil((max(waits) - now).total_seconds())))
    started = None
    for row, free in rows:
        if row.last_failure_at < now - settings.login_failure_memory:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= free:
            row.locked_until = now + _delay(settings, row.failures - free)
            if row.scope == ACCOUNT:
                started = row.locked_until
            log.warning("login.locked", extra={"fields": {"scope": row.scope, "failures": row.failures}})
    session.execute(
        sa.delete(LoginThrottle).where(
            col(LoginThrottle.last_failure_at) < now - settings.login_failure_memory,
            sa.or_(col(LoginThrottle.locked_until).is_(None), col(LoginThrottle.locked_until) < now),
        )
    )
    session.flush()
    return started


def settle(
    session: Session,
    settings: Settings,
    attempt: Attempt,
    *,
    ok: bool,
    now: datetime,
    locked_until: datetime | None,
) -> None:
    """After the password check: a success clears the account and refunds the address."""
    if ok:
        account, address = (
            session.get(LoginThrottle, (scope, key)) for scope, key, _ in attempt.keys(settings)
        )
        if account is not None:
            account.failures, account.locked_until = 0, None
        if address is not None:
            address.failures = max(0, address.failures - 1)
            if address.failures < settings.login_free_failures_per_address:
                address.locked_until = None
    _audit(session, attempt, "ok" if ok else "failed", now, locked_until=None if ok else locked_until)


def unlock(session: Session, *, username: str, actor: str, now: datetime) -> None:
    """An administrator lifts an account's lock (its address is left as it is)."""
    session.execute(
        sa.delete(LoginThrottle).where(
            col(LoginThrottle.scope) == ACCOUNT, col(LoginThrottle.key) == username
        )
    )
    _audit(session, Attempt(username, ""), "unlocked", now, actor=actor)
    log.info("login.unlocked", extra={"fields": {"username": username, "actor": actor}})


def account_states(
    session: Session, usernames: list[str], now: datetime
) -> dict[str, tuple[int, datetime | None]]:
    """Username -> (failures counted, locked until or None) for the administrators' list."""
    rows = session.scalars(
        sa.select(LoginThrottle).where(
            col(LoginThrottle.scope) == ACCOUNT, col(LoginThrottle.key).in_(usernames)
        )
    )
    return {
        row.key: (row.failures, row.locked_until if row.locked_until and row.locked_until > now else None)
        for row in rows
    }


def _delay(settings: Settings, beyond_free: int) -> timedelta:
    seconds = settings.login_lock_base.total_seconds() * 2 ** min(beyond_free, 30)
    return timedelta(seconds=min(seconds, settings.login_lock_max.total_seconds()))


def _locked_row(session: Session, scope: str, key: str, now: datetime) -> LoginThrottle:
    """The row, made if missing, locked for this transaction (a row lock on PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers), so concurrent attempts are counted one by one."""
    insert = insert_ignoring_conflicts(session, table_of(LoginThrottle), key=["scope", "key"])
    session.execute(insert.values(scope=scope, key=key, failures=0, last_failure_at=now))
    return session.scalars(
        sa.select(LoginThrottle)
        .where(col(LoginThrottle.scope) == scope, col(LoginThrottle.key) == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _audit(
    session: Session,
    attempt: Attempt,
    outcome: str,
    now: datetime,
    *,
    locked_until: datetime | None = None,
    actor: str | None = None,
) -> None:
    session.add(
        LoginEvent(
            at=now,
            username=attempt.username[:KEY_CHARS],
            address=attempt.address[:KEY_CHARS],
            outcome=outcome,
            locked_until=locked_until,
            actor=actor,
        )
    )
