"""Sign-in for verifiers and administrators, and account management (admin)."""

import json
from urllib.parse import parse_qs

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlmodel import col

from .. import accounts
from ..errors import BadRequest
from ..models import User
from ..schemas import LoginRequest, LoginResponse, Me, UserCreate, Username, UserPatch, UserPublic
from .auth import Admin, Verifier
from .context import Ctx
from .errors import ERROR_RESPONSES

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


@router.post("/auth/login", response_model=LoginResponse, tags=["accounts"], openapi_extra=_LOGIN_BODY)
async def login(request: Request, ctx: Ctx) -> LoginResponse:
    """Exchange a username and password (JSON or form) for an expiring bearer token."""
    body = await _login_body(request)

    def _work() -> LoginResponse:
        with ctx.transaction() as session:
            user, token, row = accounts.login(
                session, ctx.settings, clock=ctx.clock, username=body.username, password=body.password
            )
            return LoginResponse(
                username=user.username, role=user.role, token=token, expires_at=row.expires_at
            )

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
    except (ValueError, UnicodeDecodeError) as exc:
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
    with ctx.transaction() as session:
        users = session.scalars(sa.select(User).order_by(col(User.username))).all()
        return [UserPublic.model_validate(u, from_attributes=True) for u in users]


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
        return UserPublic.model_validate(user, from_attributes=True)


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
        return UserPublic.model_validate(user, from_attributes=True)
