"""Who is calling: a device (bearer device credential) or a user (bearer session token).

The two kinds of token never cross: a device credential on a review route is 403, a user
token on a device route is 403; no token or an unknown one is 401. Tokens are looked up
by their SHA-256 and the hashes compared in constant time.
"""

from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import col

from ..context import ServerContext
from ..errors import Forbidden, NotAuthenticated
from ..models import Device, User, UserSession
from ..secrets import same_hash, token_hash
from .context import Ctx

MAX_TOKEN_LENGTH = 200

device_bearer = HTTPBearer(scheme_name="DeviceCredential", auto_error=False, description="device credential")
user_bearer = HTTPBearer(scheme_name="UserToken", auto_error=False, description="token from /auth/login")


@dataclass(frozen=True)
class AuthDevice:
    device_id: str


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    token: str


class DeviceRevoked(Forbidden):
    """This device has been revoked."""


class WrongCredentialKind(Forbidden):
    """This credential is not allowed here."""


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials or len(credentials.credentials) > MAX_TOKEN_LENGTH:
        raise NotAuthenticated()
    return credentials.credentials


def _device_by_token(ctx: ServerContext, token: str) -> Device | None:
    digest = token_hash(token)
    with ctx.transaction() as session:
        device = session.scalar(sa.select(Device).where(col(Device.credential_hash) == digest))
    return device if device is not None and same_hash(device.credential_hash, digest) else None


def _user_by_token(ctx: ServerContext, token: str) -> tuple[User, UserSession] | None:
    digest = token_hash(token)
    with ctx.transaction() as session:
        row = session.execute(
            sa.select(User, UserSession)
            .join(UserSession, col(UserSession.username) == col(User.username))
            .where(col(UserSession.token_hash) == digest)
        ).first()
    if row is None or not same_hash(row[1].token_hash, digest):
        return None
    return row[0], row[1]


def current_device(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(device_bearer)],
    ctx: Ctx,
) -> AuthDevice:
    token = _token(credentials)
    device = _device_by_token(ctx, token)
    if device is None:
        if _user_by_token(ctx, token) is not None:
            raise WrongCredentialKind("a user token cannot be used on device routes")
        raise NotAuthenticated()
    if device.revoked_at is not None:
        raise DeviceRevoked()
    return AuthDevice(device_id=device.id)


def _principal(ctx: ServerContext, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    token = _token(credentials)
    found = _user_by_token(ctx, token)
    if found is None:
        if _device_by_token(ctx, token) is not None:
            raise WrongCredentialKind("a device credential cannot be used on review routes")
        raise NotAuthenticated()
    user, session_row = found
    if user.disabled or session_row.expires_at <= ctx.clock():
        raise NotAuthenticated()
    return Principal(username=user.username, role=user.role, token=token)


def verifier(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(user_bearer)],
    ctx: Ctx,
) -> Principal:
    """A verifier or an administrator (administrators can do everything verifiers can)."""
    return _principal(ctx, credentials)


def admin(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(user_bearer)],
    ctx: Ctx,
) -> Principal:
    principal = _principal(ctx, credentials)
    if principal.role != "admin":
        raise Forbidden("administrators only")
    return principal


any_bearer = HTTPBearer(
    scheme_name="DeviceOrUser", auto_error=False, description="a device credential or a user token"
)


def device_or_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(any_bearer)],
    ctx: Ctx,
) -> AuthDevice | Principal:
    """Either kind of caller (the transparency log answers devices and verifiers alike)."""
    token = _token(credentials)
    device = _device_by_token(ctx, token)
    if device is None:
        return _principal(ctx, credentials)
    if device.revoked_at is not None:
        raise DeviceRevoked()
    return AuthDevice(device_id=device.id)


DeviceCaller = Annotated[AuthDevice, Depends(current_device)]
AnyCaller = Annotated[AuthDevice | Principal, Depends(device_or_user)]
Verifier = Annotated[Principal, Depends(verifier)]
Admin = Annotated[Principal, Depends(admin)]
