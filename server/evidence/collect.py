"""What goes into one report's evidence package, read from the database in one transaction.

Only what concerns this report: its signed bytes, its device's key and enrolment facts, the
hashes of its chain neighbours (their leaves, not their content), its photos, its decisions,
and the log's leaves and proofs for all of these at one tree size. Nothing else.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.log_protocol import InclusionProof, SignedTreeHead

from .. import transparency
from ..attachments import SignedPhoto, signed_photos
from ..errors import Conflict, NotFound
from ..keys import ServerKeys
from ..models import Device, Report, ReportAttachment, ReviewEvent
from ..storage import AttachmentStore
from ..transparency import log_store
from ..transparency.proofs import inclusion_of
from ..transparency.tables import LogLeaf


@dataclass(frozen=True)
class LogEntry:
    """One leaf the package proves: what it is for, and its inclusion proof."""

    role: str  # record | previous | next | decision
    proof: InclusionProof


@dataclass(frozen=True)
class EvidenceFacts:
    report: Report
    device: Device
    events: list[ReviewEvent]
    photos: list[tuple[SignedPhoto, bytes | None]]  # None: not (fully) received by the server
    previous: list[Report]  # the device's records at seq - 1 (more than one is a fork)
    following: list[Report]  # at seq + 1
    head: SignedTreeHead
    entries: list[LogEntry]


def collect(
    session: Session, record_id: str, *, keys: ServerKeys, store: AttachmentStore, now: datetime
) -> EvidenceFacts:
    report = session.get(Report, record_id)
    if report is None:
        raise NotFound("no such report")
    device = session.get(Device, report.device_id)
    if device is None:
        raise NotFound("the report's device is not known to this server")
    events = list(
        session.scalars(
            sa.select(ReviewEvent)
            .where(col(ReviewEvent.record_id) == record_id)
            .order_by(col(ReviewEvent.id))
        )
    )
    previous, following = (_at_seq(session, report, report.seq + step) for step in (-1, 1))
    wanted = [("record", report.record_id)] + [("previous", r.record_id) for r in previous]
    wanted += [("next", r.record_id) for r in following]
    leaves = {(role, rid): log_store.record_leaf(session, rid) for role, rid in wanted}
    decision_leaves = _decision_leaves(session, [e.id for e in events if e.id is not None])
    # Read the head last: every leaf read above was committed before it, so all are inside it.
    size = log_store.current(session).size
    if leaves[("record", report.record_id)] is None or len(decision_leaves) != len(events):
        raise Conflict("this report is not (yet) fully in the transparency log")
    entries = [
        LogEntry(role, inclusion_of(session, leaf, size))
        for (role, _rid), leaf in leaves.items()
        if leaf is not None
    ]
    entries += [LogEntry("decision", inclusion_of(session, leaf, size)) for leaf in decision_leaves]
    return EvidenceFacts(
        report=report,
        device=device,
        events=events,
        photos=[(photo, _photo_bytes(session, store, report, photo)) for photo in signed_photos(report)],
        previous=previous,
        following=following,
        head=transparency.signed_head(session, keys, now=now, size=size),
        entries=entries,
    )


def _at_seq(session: Session, report: Report, seq: int) -> list[Report]:
    if seq < 1:
        return []
    return list(
        session.scalars(
            sa.select(Report)
            .where(col(Report.device_id) == report.device_id, col(Report.seq) == seq)
            .order_by(col(Report.received_at), col(Report.record_id))
        )
    )


def _decision_leaves(session: Session, event_ids: list[int]) -> list[LogLeaf]:
    if not event_ids:
        return []
    return list(
        session.scalars(
            sa.select(LogLeaf).where(col(LogLeaf.event_id).in_(event_ids)).order_by(col(LogLeaf.leaf_index))
        )
    )


def _photo_bytes(
    session: Session, store: AttachmentStore, report: Report, photo: SignedPhoto
) -> bytes | None:
    row = session.get(ReportAttachment, (report.record_id, photo.sha256))
    if row is None or not row.complete or not store.has(photo.sha256):
        return None
    return b"".join(store.iter_photo(photo.sha256))
