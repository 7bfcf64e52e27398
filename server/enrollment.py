"""Enrolment: one-time codes an administrator hands out, redeemed by a device for a credential."""

import logging
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.crypto import b64decode, device_id_for

from .clock import Clock
from .errors import Forbidden, InvalidInput
from .models import Device, EnrollmentCode
from .schemas import ENROLLMENT_CODE_HOURS_MAX
from .secrets import enrollment_code_hash, new_enrollment_code, new_token, token_hash

log = logging.getLogger("fieldapp.server.enrollment")


class EnrollmentRefused(Forbidden):
    """This enrolment code is not valid: unknown, already used or expired."""


class DeviceRevoked(Forbidden):
    """This device has been revoked."""


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
    session: Session, *, clock: Clock, code: str, device_id: str, public_key_b64: str, label: str | None
) -> tuple[Device, str]:
    """Use the code once; register (or re-key the credential of) the device. Returns the credential."""
    public_key = b64decode(public_key_b64)
    if len(public_key) != 32 or device_id_for(public_key) != device_id:
        raise InvalidInput("the device id does not belong to this public key")
    now = clock()
    # An UPDATE's result is a CursorResult (it has `rowcount`); Session.execute is typed for any statement.
    used = cast(
        "sa.CursorResult[Any]",
        session.execute(
            sa.update(EnrollmentCode)
            .where(
                col(EnrollmentCode.code_hash) == enrollment_code_hash(code),
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
    device = session.get(Device, device_id)
    if device is not None and device.revoked_at is not None:
        raise DeviceRevoked()
    if device is None:
        device = Device(
            id=device_id,
            public_key=public_key_b64,
            label=label,
            enrolled_at=now,
            credential_hash=token_hash(credential),
        )
        session.add(device)
    else:  # the same key enrolling again (e.g. the app lost its settings): a new credential
        device.credential_hash = token_hash(credential)
        device.label = label or device.label
    session.flush()
    log.info("enrollment.enrolled", extra={"fields": {"device_id": device_id}})
    return device, credential
