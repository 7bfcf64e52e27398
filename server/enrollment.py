"""Enrolment: one-time codes an administrator hands out, redeemed by a device for a credential.

A device proves it holds the private key of the public key it presents: it signs the
request over a challenge this server made (sync.enrollment). The challenge is stateless,
so any of several server processes can check it: `issued_at || random || HMAC(key,
issued_at || random)`, the HMAC key derived from the server's signing key with its own
HKDF purpose. Everything about the request is checked before the code is used; a refused
request leaves the code and any enrolled device as they were.
"""

import base64
import binascii
import hmac
import logging
import secrets
import struct
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.crypto import b64decode, derive_key, device_id_for
from sync.enrollment import enrollment_signature_valid
from sync.wire import EnrollChallenge, EnrollRequest

from .clock import Clock
from .errors import Forbidden, InvalidInput
from .keys import ServerKeys
from .models import Device, EnrollmentCode
from .schemas import ENROLLMENT_CODE_HOURS_MAX
from .secrets import enrollment_code_hash, new_enrollment_code, new_token, same_hash, token_hash

log = logging.getLogger("fieldapp.server.enrollment")
CHALLENGE_TTL = timedelta(minutes=10)
_CHALLENGE_INFO = b"fieldapp/v1/enroll-challenge"
_NONCE_RANDOM, _NONCE_TAG = 16, 16


class EnrollmentRefused(Forbidden):
    """This enrolment code is not valid: unknown, already used or expired."""


class DeviceRevoked(Forbidden):
    """This device has been revoked."""


class ChallengeRefused(Forbidden):
    """The enrolment challenge is unknown or expired: start the enrolment again."""


class NotSignedByDevice(Forbidden):
    """The enrolment request is not signed with this device's key for this server."""


def new_challenge(keys: ServerKeys, *, clock: Clock) -> EnrollChallenge:
    """A nonce only this server (or a process sharing its keys) can have made, valid 10 minutes."""
    issued = clock()
    body = struct.pack(">q", int(issued.timestamp())) + secrets.token_bytes(_NONCE_RANDOM)
    nonce = _b64url(body + _tag(keys, body))
    return EnrollChallenge(
        server_sign_key=keys.sign_public_b64, nonce=nonce, expires_at=issued + CHALLENGE_TTL
    )


def _check_challenge(keys: ServerKeys, nonce: str, now: datetime) -> None:
    try:
        raw = base64.urlsafe_b64decode(nonce + "=" * (-len(nonce) % 4))
    except (ValueError, binascii.Error) as exc:
        raise ChallengeRefused() from exc
    body, tag = raw[:-_NONCE_TAG], raw[-_NONCE_TAG:]
    if len(body) != 8 + _NONCE_RANDOM or not hmac.compare_digest(tag, _tag(keys, body)):
        raise ChallengeRefused()
    issued = datetime.fromtimestamp(struct.unpack(">q", body[:8])[0], UTC)
    if not issued - timedelta(minutes=1) <= now <= issued + CHALLENGE_TTL:
        raise ChallengeRefused()


def _tag(keys: ServerKeys, body: bytes) -> bytes:
    key = derive_key(keys.sign_private.private_bytes_raw(), info=_CHALLENGE_INFO)
    return hmac.digest(key, body, "sha256")[:_NONCE_TAG]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def create_code(
    session: Session,
    *,
    clock: Clock,
    label: str | None,
    expires_hours: float | None,
    default_ttl: timedelta,
) -> tuple[str, EnrollmentCode]:
    """A new code (returned once, stored hashed) and its row; `default_ttl` when no hours are given."""
    if expires_hours is None:
        expires_hours = default_ttl / timedelta(hours=1)
    if not 0 < expires_hours <= ENROLLMENT_CODE_HOURS_MAX:
        raise InvalidInput(f"expires_hours must be more than 0 and at most {ENROLLMENT_CODE_HOURS_MAX}")
    code = new_enrollment_code()
    now = clock()
    row = EnrollmentCode(
        code_hash=enrollment_code_hash(code),
        label=label,
        created_at=now,
        expires_at=now + timedelta(hours=expires_hours),
    )
    session.add(row)
    session.flush()
    log.info("enrollment.code_created", extra={"fields": {"code_id": row.id, "label": label}})
    return code, row


def enroll_device(
    session: Session, *, clock: Clock, keys: ServerKeys, request: EnrollRequest
) -> tuple[Device, str]:
    """Check the request's proof of possession, then use the code once; register the device
    (or give an enrolled one a new credential). Returns the credential."""
    device_id, public_key_b64, label = request.device_id, request.public_key, request.label
    public_key = b64decode(public_key_b64)
    if len(public_key) != 32 or device_id_for(public_key) != device_id:
        raise InvalidInput("the device id does not belong to this public key")
    now = clock()
    _check_challenge(keys, request.nonce, now)
    if not enrollment_signature_valid(request, server_sign_key=keys.sign_public_b64):
        log.warning("enrollment.not_signed", extra={"fields": {"device_id": device_id}})
        raise NotSignedByDevice()
    device = session.get(Device, device_id)
    if device is not None and not same_hash(device.public_key, public_key_b64):
        raise NotSignedByDevice("this device id is enrolled with another key")
    if device is not None and device.revoked_at is not None:
        raise DeviceRevoked()
    # An UPDATE's result is a CursorResult (it has `rowcount`); Session.execute is typed for any statement.
    used = cast(
        "sa.CursorResult[Any]",
        session.execute(
            sa.update(EnrollmentCode)
            .where(
                col(EnrollmentCode.code_hash) == enrollment_code_hash(request.code),
                col(EnrollmentCode.used_at).is_(None),
                col(EnrollmentCode.expires_at) > now,
            )
            .values(used_at=now, used_by_device=device_id)
        ),
    )
    if used.rowcount != 1:  # one conditional UPDATE: two devices racing for one code can't both win
        log.warning("enrollment.refused", extra={"fields": {"device_id": device_id}})
        raise EnrollmentRefused()
    credential = new_token()
    if device is None:
        device = Device(
            id=device_id,
            public_key=public_key_b64,
            label=label,
            enrolled_at=now,
            credential_hash=token_hash(credential),
        )
        session.add(device)
    else:  # the same key, proven again (e.g. the app lost its settings): a new credential
        device.credential_hash = token_hash(credential)
        device.label = label or device.label
    session.flush()
    log.info("enrollment.enrolled", extra={"fields": {"device_id": device_id}})
    return device, credential
