"""Verifier and administrator accounts, and their sign-in sessions (expiring bearer tokens)."""

import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from . import login_throttle
from .clock import Clock
from .errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from .models import User, UserSession
from .schemas import PASSWORD_MAX, PASSWORD_MIN, ROLES, USERNAME_PATTERN
from .secrets import burn_password_time, hash_password, new_token, token_hash, verify_password
from .settings import Settings

log = logging.getLogger("fieldapp.server.accounts")
USERNAME = re.compile(USERNAME_PATTERN)


class WrongLogin(NotAuthenticated):
    """Wrong username or password."""


def create_user(
    session: Session, settings: Settings, *, clock: Clock, username: str, password: str, role: str
) -> User:
    if not USERNAME.match(username):
        raise InvalidInput("username: 2–64 letters, digits or . _ @ -")
    if role not in ROLES:
        raise InvalidInput("role must be verifier or admin")
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput(f"password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters")
    if session.get(User, username) is not None:
        raise Conflict(f"user {username} already exists")
    user = User(
        username=username,
        role=role,
        password_hash=hash_password(password, n=settings.password_scrypt_n),
        created_at=clock(),
    )
    session.add(user)
    session.flush()
    log.info("accounts.user_created", extra={"fields": {"username": username, "role": role}})
    return user


def set_disabled(session: Session, *, username: str, disabled: bool, acting_user: str) -> User:
    user = session.get(User, username)
    if user is None:
        raise NotFound("no such user")
    if disabled and username == acting_user:
        raise Conflict("you cannot disable your own account")
    user.disabled = disabled
    if disabled:  # signed-in sessions end at once
        session.execute(sa.delete(UserSession).where(col(UserSession.username) == username))
    session.flush()
    log.info(
        "accounts.user_disabled" if disabled else "accounts.user_enabled",
        extra={"fields": {"username": username}},
    )
    return user


def login(
    transaction: Callable[[], AbstractContextManager[Session]],
    settings: Settings,
    *,
    clock: Clock,
    username: str,
    password: str,
    address: str,
) -> tuple[User, str, UserSession]:
    """Check a sign-in under the login throttle; a new session token on success.

    Three short transactions, none held while the password hash is computed (tens of
    milliseconds that would otherwise hold SQLite's write lock): charge the attempt
    (login_throttle.admit: 429 while locked), read the account, settle the attempt. A known
    and an unknown name take the same path and compute one password hash each.
    """
    attempt = login_throttle.Attempt(username=username, address=address)
    with transaction() as session:
        lock_started = login_throttle.admit(session, settings, attempt, now=clock())
    with transaction() as session:
        user = session.get(User, username) if len(username) <= 64 else None
    if user is None:
        burn_password_time(password[:PASSWORD_MAX], n=settings.password_scrypt_n)
        ok = False
    else:
        ok = verify_password(password[:PASSWORD_MAX], user.password_hash) and not user.disabled
    if not ok or user is None:
        with transaction() as session:
            login_throttle.settle(
                session, settings, attempt, ok=False, now=clock(), locked_until=lock_started
            )
        # An unknown name may be a password typed in the wrong field: not written to the log.
        fields = {"username": username} if user is not None else {"known": False}
        log.warning("accounts.login_failed", extra={"fields": fields})
        raise WrongLogin()
    token = new_token()
    with transaction() as session:
        now = clock()
        login_throttle.settle(session, settings, attempt, ok=True, now=now, locked_until=None)
        row = UserSession(
            token_hash=token_hash(token),
            username=username,
            created_at=now,
            expires_at=now + settings.token_ttl,
        )
        session.add(row)
        session.execute(sa.delete(UserSession).where(col(UserSession.expires_at) < now))
    log.info("accounts.login", extra={"fields": {"username": username}})
    return user, token, row


def logout(session: Session, *, token: str) -> None:
    session.execute(sa.delete(UserSession).where(col(UserSession.token_hash) == token_hash(token)))
