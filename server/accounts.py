"""Verifier and administrator accounts, and their sign-in sessions (expiring bearer tokens)."""

import logging
import re

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

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
    session: Session, settings: Settings, *, clock: Clock, username: str, password: str
) -> tuple[User, str, UserSession]:
    user = session.get(User, username) if len(username) <= 64 else None
    if user is None:
        burn_password_time(password[:PASSWORD_MAX], n=settings.password_scrypt_n)
        raise WrongLogin()
    if not verify_password(password[:PASSWORD_MAX], user.password_hash) or user.disabled:
        log.warning("accounts.login_failed", extra={"fields": {"username": username}})
        raise WrongLogin()
    token = new_token()
    now = clock()
    row = UserSession(
        token_hash=token_hash(token), username=username, created_at=now, expires_at=now + settings.token_ttl
    )
    session.add(row)
    session.execute(sa.delete(UserSession).where(col(UserSession.expires_at) < now))
    session.flush()
    log.info("accounts.login", extra={"fields": {"username": username}})
    return user, token, row


def logout(session: Session, *, token: str) -> None:
    session.execute(sa.delete(UserSession).where(col(UserSession.token_hash) == token_hash(token)))
