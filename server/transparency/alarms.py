"""Alarms devices raise when the log is not what they kept or were promised.

An alarm is stored with the signed heads the device holds. When every head it sent verifies
under this server's own key, the alarm is evidence, not rumour: the server signed them.
"""

import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.log_protocol import LogAlarm, LogAlarmReport, SignedTreeHead, verify_tree_head

from ..clock import as_utc
from ..keys import ServerKeys
from .tables import LogAlarmRow

log = logging.getLogger("fieldapp.server.transparency")
MAX_LISTED = 500


def raise_alarm(
    session: Session, report: LogAlarmReport, *, device_id: str, keys: ServerKeys, now: datetime
) -> LogAlarm:
    heads = [h for h in (report.kept_head, report.seen_head) if h is not None]
    public = keys.sign_private.public_key().public_bytes_raw()
    row = LogAlarmRow(
        device_id=device_id,
        received_at=now,
        detected_at=_moment(report.detected_at, now),
        reason=report.reason,
        record_id=report.record_id,
        kept_head=_json(report.kept_head),
        seen_head=_json(report.seen_head),
        heads_signed_by_server=bool(heads) and all(verify_tree_head(h, public) for h in heads),
    )
    session.add(row)
    session.flush()
    log.warning(
        "log.alarm",
        extra={"fields": {"device_id": device_id, "alarm": row.id, "signed": row.heads_signed_by_server}},
    )
    return _public(row)


def list_alarms(session: Session) -> list[LogAlarm]:
    rows = session.scalars(
        sa.select(LogAlarmRow).order_by(col(LogAlarmRow.id).desc()).limit(MAX_LISTED)
    ).all()
    return [_public(row) for row in rows]


def _public(row: LogAlarmRow) -> LogAlarm:
    return LogAlarm(
        id=row.id or 0,
        device_id=row.device_id,
        received_at=row.received_at,
        detected_at=row.detected_at,
        reason=row.reason,
        record_id=row.record_id,
        kept_head=SignedTreeHead.model_validate_json(row.kept_head) if row.kept_head else None,
        seen_head=SignedTreeHead.model_validate_json(row.seen_head) if row.seen_head else None,
        heads_signed_by_server=row.heads_signed_by_server,
    )


def _json(head: SignedTreeHead | None) -> str | None:
    return None if head is None else head.model_dump_json()


def _moment(value: datetime, fallback: datetime) -> datetime:
    try:
        return as_utc(value)
    except (OverflowError, ValueError):
        return fallback
