"""What enters the log: a leaf per accepted record (in the ingest transaction) and per decision
(in the decision's transaction); receipts then say where each record sits."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync.log_protocol import DecisionLeaf, RecordLeaf, format_time
from sync.wire import ItemResult

from ..models import ReviewEvent
from . import log_store
from .log_store import NewLeaf


def record_leaf(row: Mapping[str, Any]) -> RecordLeaf:
    """The leaf of a stored or just-accepted report (a `reports` row or ingest's row dict)."""
    return RecordLeaf(
        record_id=row["record_id"],
        device_id=row["device_id"],
        seq=row["seq"],
        prev_hash=row["prev_hash"],
        body_hash=row["body_hash"],
        received_at=format_time(row["received_at"]),
    )


def decision_leaf(event: ReviewEvent) -> DecisionLeaf:
    assert event.id is not None, "flush the event first: its id is part of the leaf"
    return DecisionLeaf(
        event_id=event.id,
        record_id=event.record_id,
        actor=event.actor,
        at=format_time(event.at),
        from_state=event.from_state,
        to_state=event.to_state,
        reason_sha256=DecisionLeaf.reason_hash(event.reason),
    )


def log_accepted(
    session: Session,
    answers: dict[int, ItemResult],
    accepted: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
) -> dict[int, ItemResult]:
    """Append the accepted records (request order) and put each delivered record's leaf index
    and the tree size into its result, which the signed receipt then carries."""
    _first, size = log_store.append(
        session,
        [NewLeaf("record", row["record_id"], record_leaf(row).encode()) for row in accepted],
        now=now,
    )
    delivered = [r.record_id for r in answers.values() if r.status in ("accepted", "duplicate")]
    where = log_store.record_positions(session, delivered)
    # model_construct: the fields were validated when the result was made (model_copy deep
    # copies, ≈ 10× the cost, once per record).
    return {
        index: ItemResult.model_construct(
            record_id=result.record_id,
            status=result.status,
            reason=result.reason,
            leaf_index=where[result.record_id],
            tree_size=size,
        )
        if result.record_id in where and result.status != "rejected"
        else result
        for index, result in answers.items()
    }


def log_decision(session: Session, event: ReviewEvent, *, now: datetime) -> int:
    """Append a decision (after its audit-trail row is flushed); returns its leaf index."""
    first, _size = log_store.append(
        session,
        [NewLeaf("decision", event.record_id, decision_leaf(event).encode(), event_id=event.id)],
        now=now,
    )
    return first
