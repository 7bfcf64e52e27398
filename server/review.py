"""The review workflow: queue, report detail, decisions and their audit trail, devices.

Lock policy (see locks.py): a decision needs the reviewer lock; if nobody holds it the
decision takes it implicitly; if someone else holds an unexpired lock the decision is
refused (409). A decision releases the lock.
"""

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.crypto import b64decode, verify

from . import chain_evidence, locks, tallies, transparency
from .clock import Clock
from .errors import InvalidInput, NotFound
from .models import Device, DeviceUpdate, Report, ReviewEvent
from .record_content import StoredContent, read_stored
from .report_filters import ReportFilters
from .schemas import (
    REASON_REQUIRED,
    AnsweredQuestion,
    AuditEvent,
    ChainStatus,
    ClockSkew,
    DevicePublic,
    ReportDetail,
    ReportPage,
    ReportSummary,
    SignatureStatus,
)
from .settings import Settings

log = logging.getLogger("fieldapp.server.review")

# Oldest received first; one batch keeps its order (device, sequence); the id breaks ties.
QUEUE_ORDER = (col(Report.received_at), col(Report.device_id), col(Report.seq), col(Report.record_id))


# What a summary reads: the page's rows are fetched as plain rows of these (no ORM objects).
SUMMARY_COLUMNS = tuple(
    col(getattr(Report, name))
    for name in (
        "record_id",
        "device_id",
        "seq",
        "kind",
        "observed_at",
        "received_at",
        "lat",
        "lon",
        "location_description",
        "state",
        "chain_status",
        "amends",
        "amends_invalid",
        "body",
    )
)


def summary_rows(session: Session, record_ids: list[str]) -> dict[str, Any]:
    """record id -> a row of SUMMARY_COLUMNS, for the ids given (one query)."""
    if not record_ids:
        return {}
    query = sa.select(*SUMMARY_COLUMNS).where(col(Report.record_id).in_(record_ids))
    return {row.record_id: row for row in session.execute(query)}


def summary(report: Any, stored: StoredContent | None = None) -> ReportSummary:
    """A Report, or a row of SUMMARY_COLUMNS, as a queue item."""
    return ReportSummary(**summary_fields(report, stored))


def summary_fields(report: Any, stored: StoredContent | None = None) -> dict[str, Any]:
    stored = stored if stored is not None else read_stored(report.body)
    content = stored.content
    return dict(
        record_id=report.record_id,
        device_id=report.device_id,
        seq=report.seq,
        kind=report.kind,
        observed_at=report.observed_at,
        received_at=report.received_at,
        lat=report.lat,
        lon=report.lon,
        state=report.state,
        chain_status=report.chain_status,
        amends=report.amends,
        amends_invalid=report.amends_invalid,
        place=_place(content),
        location_description=report.location_description,
        description=_text(content.get("description")),
        content_problem=stored.problem,
    )


def queue(session: Session, filters: ReportFilters, *, limit: int, offset: int) -> ReportPage:
    """One page, oldest received first. The page's ids come from the queue's covering index
    (`ix_reports_queue`, or `ix_reports_state_queue` under a state filter), so the rows an
    OFFSET skips are never read; only the page's own rows are. Counts and total: tallies."""
    page_ids = list(
        session.scalars(
            sa.select(col(Report.record_id))
            .where(*filters.conditions())
            .order_by(*QUEUE_ORDER)
            .limit(limit)
            .offset(offset)
        )
    )
    rows = summary_rows(session, page_ids)
    by_state = tallies.counts(session, filters)
    page = [rows[record_id] for record_id in page_ids if record_id in rows]
    answered = _answered_questions(session, page)
    return ReportPage(
        items=[
            summary(report).model_copy(update={"answers": answered.get(report.record_id)}) for report in page
        ],
        total=tallies.total(filters, by_state),
        limit=limit,
        offset=offset,
        counts=by_state,
    )


def _answered_questions(session: Session, page: list[Report]) -> dict[str, AnsweredQuestion]:
    """For the page's valid amendments: the needs-info question each answers (the latest asked
    of its original before it arrived). Two queries on indexed columns, whatever the page."""
    amending = [r for r in page if r.amends and not r.amends_invalid]
    if not amending:
        return {}
    originals = {
        r.record_id: r
        for r in session.scalars(
            sa.select(Report).where(col(Report.record_id).in_({r.amends for r in amending}))
        )
    }
    questions: dict[str, list[ReviewEvent]] = {}
    for event in session.scalars(
        sa.select(ReviewEvent)
        .where(col(ReviewEvent.record_id).in_(list(originals)), col(ReviewEvent.to_state) == "needs_info")
        .order_by(col(ReviewEvent.id))
    ):
        questions.setdefault(event.record_id, []).append(event)
    found: dict[str, AnsweredQuestion] = {}
    for report in amending:
        original = originals.get(report.amends or "")
        if original is None or original.device_id != report.device_id:
            continue
        asked = [e for e in questions.get(original.record_id, []) if e.at <= report.received_at and e.reason]
        if asked:
            last = asked[-1]
            found[report.record_id] = AnsweredQuestion(
                record_id=original.record_id,
                question=last.reason or "",
                asked_by=last.actor,
                asked_at=last.at,
                state=original.state,
            )
    return found


def counts(session: Session, filters: ReportFilters) -> dict[str, int]:
    return tallies.counts(session, filters)


def get_report(session: Session, record_id: str) -> Report:
    report = session.get(Report, record_id)
    if report is None:
        raise NotFound("no such report")
    return report


def detail(session: Session, settings: Settings, record_id: str, *, clock: Clock) -> ReportDetail:
    report = get_report(session, record_id)
    device = session.get(Device, report.device_id)
    stored = read_stored(report.body)
    public_key = b64decode(device.public_key) if device else b""
    skew = None
    if report.recorded_at is not None:
        skew = (report.received_at - report.recorded_at).total_seconds()
    lock = locks.current(session, record_id, clock=clock)
    return ReportDetail(
        **summary(report, stored).model_dump(),
        recorded_at=report.recorded_at,
        record=stored.content,
        body_hash=report.body_hash,
        signature=SignatureStatus(
            valid=bool(device) and verify(public_key, report.body, report.signature),
            body_hash_matches=_sha256(report.body) == report.body_hash,
        ),
        chain=_chain(session, report),
        fork=chain_evidence.fork_evidence(session, report),
        clock_skew=ClockSkew(
            seconds=skew, flagged=skew is not None and abs(skew) > settings.clock_skew_flag.total_seconds()
        ),
        amended_by=chain_evidence.valid_amendments(session, report),
        amends_problem=chain_evidence.amends_problem(session, report),
        lock=lock,
        device_label=device.label if device else None,
        device_revoked=bool(device and device.revoked_at),
    )


def _chain(session: Session, report: Report) -> ChainStatus:
    """Recomputed now (a gap may have been filled since the report arrived); a fork stays one."""
    if report.chain_status == "fork":
        return ChainStatus(status="fork", previous_record_id=None, missing_before=0)
    if report.seq == 1:
        status = "valid" if report.prev_hash is None else "invalid"
        return ChainStatus(status=status, previous_record_id=None, missing_before=0)
    previous = session.execute(
        sa.select(col(Report.record_id), col(Report.body_hash)).where(
            col(Report.device_id) == report.device_id, col(Report.seq) == report.seq - 1
        )
    ).all()
    for row in previous:
        if row.body_hash == report.prev_hash:
            return ChainStatus(status="valid", previous_record_id=row.record_id, missing_before=0)
    if previous:
        return ChainStatus(status="invalid", previous_record_id=previous[0].record_id, missing_before=0)
    below = session.scalar(
        sa.select(sa.func.max(col(Report.seq))).where(
            col(Report.device_id) == report.device_id, col(Report.seq) < report.seq
        )
    )
    return ChainStatus(status="gap", previous_record_id=None, missing_before=report.seq - 1 - (below or 0))


def decide(
    session: Session,
    settings: Settings,
    record_id: str,
    *,
    state: str,
    reason: str | None,
    actor: str,
    clock: Clock,
) -> Report:
    """Record a decision: audit trail + the device's change log, in one transaction."""
    reason = (reason or "").strip() or None
    if state in REASON_REQUIRED and not reason:
        raise InvalidInput(f"a reason is required for {state}")
    report = get_report(session, record_id)
    now = clock()
    locks.take(session, settings, record_id, username=actor, clock=clock)  # 409 if someone else holds it
    # Lock the device row first so change-log cursors for this device commit in order.
    session.execute(
        sa.update(Device).where(col(Device.id) == report.device_id).values(last_seq=col(Device.last_seq))
    )
    from_state = report.state
    report.state = state
    event = ReviewEvent(
        record_id=record_id, actor=actor, at=now, from_state=from_state, to_state=state, reason=reason
    )
    session.add(event)
    session.flush()  # the event's id is part of its leaf in the transparency log
    transparency.log_decision(session, event, now=now)
    session.add(
        DeviceUpdate(
            device_id=report.device_id, record_id=record_id, state=state, message=reason, changed_at=now
        )
    )
    locks.release(session, record_id, username=actor)
    session.flush()
    log.info(
        "review.decision",
        extra={"fields": {"record_id": record_id, "actor": actor, "from": from_state, "to": state}},
    )
    return report


def audit_trail(session: Session, record_id: str) -> list[AuditEvent]:
    get_report(session, record_id)
    rows = session.scalars(
        sa.select(ReviewEvent).where(col(ReviewEvent.record_id) == record_id).order_by(col(ReviewEvent.id))
    ).all()
    return [AuditEvent.model_validate(row, from_attributes=True) for row in rows]


def list_devices(session: Session, device_id: str | None = None) -> list[DevicePublic]:
    """Every device (or the one asked for) with its reports, gaps and forks from the tallies."""
    stats = tallies.device_stats(session, device_id)
    query = sa.select(Device).order_by(col(Device.enrolled_at), col(Device.id))
    if device_id is not None:
        query = query.where(col(Device.id) == device_id)
    return [
        DevicePublic(
            device_id=d.id,
            label=d.label,
            enrolled_at=d.enrolled_at,
            revoked_at=d.revoked_at,
            last_seen_at=d.last_seen_at,
            last_seq=d.last_seq,
            reports=stats.get(d.id, (0, 0, 0))[0],
            gaps=stats.get(d.id, (0, 0, 0))[1],
            forks=stats.get(d.id, (0, 0, 0))[2],
        )
        for d in session.scalars(query)
    ]


def revoke_device(session: Session, device_id: str, *, actor: str, clock: Clock) -> None:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound("no such device")
    if device.revoked_at is None:
        device.revoked_at = clock()
        session.flush()
        log.info("devices.revoked", extra={"fields": {"device_id": device_id, "actor": actor}})


def _place(content: dict[str, object]) -> str | None:
    """The place as a verifier reads it: "Sirte (سرت)" when it came from the gazetteer."""
    from sync.places import place_label

    return place_label(content)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _sha256(data: bytes) -> str:
    from sync.canonical import sha256_hex

    return sha256_hex(data)


def device_summary(session: Session, device_id: str) -> DevicePublic:
    for device in list_devices(session, device_id):
        return device
    raise NotFound("no such device")
