"""Sign-in for verifiers and administrators, and account management (admin)."""

import json
from collections.abc import Sequence
from typing import Annotated
from urllib.parse import parse_qs

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session
from sqlmodel import col

from .. import accounts, login_throttle
from ..errors import BadRequest, NotFound
from ..models import LoginEvent, User
from ..schemas import (
    LoginEventPublic,
    LoginRequest,
    LoginResponse,
    Me,
    UserCreate,
    Username,
    UserPatch,
    UserPublic,
)
from .auth import Admin, Verifier
from .client_address import client_address
from .context import Ctx, ServerContext
from .errors import ERROR_RESPONSES, THROTTLED_RESPONSE

router = APIRouter(responses=ERROR_RESPONSES)

_LOGIN_SCHEMA = LoginRequest.model_json_schema()
_LOGIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _LOGIN_SCHEMA},
            "application/x-www-form-urlencoded": {"schema": _LOGIN_SCHEMA},
        },
    }
}


@router.post(
    "/auth/login",
    response_model=LoginResponse,
    tags=["accounts"],
    openapi_extra=_LOGIN_BODY,
    responses=THROTTLED_RESPONSE,
)
async def login(request: Request, ctx: Ctx) -> LoginResponse:
    """Exchange a username and password (JSON or form) for an expiring bearer token.

    After 5 failed attempts for one name (known or not), or 20 from one address, further
    attempts wait: 429 with Retry-After, 15 s doubling per further failure, at most 1 h."""
    body = await _login_body(request)
    address = client_address(request)

    def _work() -> LoginResponse:
        user, token, row = accounts.login(
            ctx.transaction,
            ctx.settings,
            clock=ctx.clock,
            username=body.username,
            password=body.password,
            address=address,
        )
        return LoginResponse(username=user.username, role=user.role, token=token, expires_at=row.expires_at)

    return await run_in_threadpool(_work)


async def _login_body(request: Request) -> LoginRequest:
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/x-www-form-urlencoded":
            fields = parse_qs(raw.decode("utf-8"), max_num_fields=10)
            data = {key: values[0] for key, values in fields.items()}
        else:
            data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # not UTF-8 / not JSON / nested past the parser
        raise BadRequest("the body must be JSON or a form with username and password") from exc
    try:
        return LoginRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc


@router.post("/auth/logout", status_code=204, tags=["accounts"])
def logout(principal: Verifier, ctx: Ctx) -> Response:
    """End this token's session."""
    with ctx.transaction() as session:
        accounts.logout(session, token=principal.token)
    return Response(status_code=204)


@router.get("/auth/me", response_model=Me, tags=["accounts"])
def me(principal: Verifier) -> Me:
    return Me(username=principal.username, role=principal.role)


@router.get("/users", response_model=list[UserPublic], tags=["admin"])
def list_users(_: Admin, ctx: Ctx) -> list[UserPublic]:
    """Accounts, with their failed sign-ins and the lock they are under, if any."""
    with ctx.transaction() as session:
        users = session.scalars(sa.select(User).order_by(col(User.username))).all()
        return _public(session, ctx, users)


def _public(session: Session, ctx: ServerContext, users: Sequence[User]) -> list[UserPublic]:
    """Accounts as administrators see them: with their sign-in failures and lock."""
    states = login_throttle.account_states(session, [u.username for u in users], ctx.clock())
    return [
        UserPublic(
            username=u.username,
            role=u.role,
            disabled=u.disabled,
            created_at=u.created_at,
            failed_logins=states.get(u.username, (0, None))[0],
            locked_until=states.get(u.username, (0, None))[1],
        )
        for u in users
    ]


@router.post("/users/{username}/unlock", response_model=UserPublic, tags=["admin"])
def unlock_user(username: Username, principal: Admin, ctx: Ctx) -> UserPublic:
    """Lift the sign-in lock of an account (audited as `unlocked` with who did it)."""
    with ctx.transaction() as session:
        user = session.get(User, username)
        if user is None:
            raise NotFound("no such user")
        login_throttle.unlock(session, username=username, actor=principal.username, now=ctx.clock())
    with ctx.transaction() as session:
        return _public(session, ctx, [user])[0]


@router.get("/login-events", response_model=list[LoginEventPublic], tags=["admin"])
def login_events(
    _: Admin,
    ctx: Ctx,
    username: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[LoginEventPublic]:
    """The login audit, newest first: checked sign-ins (`ok`, `failed` with the lock it started)
    and administrators' `unlocked`; attempts refused while locked are not guesses and not listed."""
    query = sa.select(LoginEvent).order_by(col(LoginEvent.id).desc()).limit(limit)
    if username is not None:
        query = query.where(col(LoginEvent.username) == username)
    with ctx.transaction() as session:
        return [LoginEventPublic.model_validate(e, from_attributes=True) for e in session.scalars(query)]


@router.post("/users", response_model=UserPublic, status_code=201, tags=["admin"])
def create_user(body: UserCreate, _: Admin, ctx: Ctx) -> UserPublic:
    with ctx.transaction() as session:
        user = accounts.create_user(
            session,
            ctx.settings,
            clock=ctx.clock,
            username=body.username,
            password=body.password,
            role=body.role,
        )
        return _public(session, ctx, [user])[0]


@router.patch("/users/{username}", response_model=UserPublic, tags=["admin"])
def update_user(
    username: Username,
    body: UserPatch,
    principal: Admin,
    ctx: Ctx,
) -> UserPublic:
    """Disable (or enable again) an account; disabling ends its sessions."""
    with ctx.transaction() as session:
        user = accounts.set_disabled(
            session, username=username, disabled=body.disabled, acting_user=principal.username
        )
        return _public(session, ctx, [user])[0]
