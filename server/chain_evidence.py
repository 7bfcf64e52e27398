"""What a device's own signatures prove against it: forks, and amendments outside its chain.

A device signs one record per place in its chain. Two different records from one device
with the same sequence number, or naming the same previous hash, prove it signed two
histories (a cloned phone, a tampered app, a stolen key): a **fork**. Both records are
kept and marked `chain_status = "fork"` (never `ok`), so every view of the chain shows it.
A second signed version of a stored record (same id, same device, other bytes) is refused
at ingest as a conflict, kept in `record_versions`, and marks the stored record a fork.
Only the device's own key can make any of this: another device reusing a record id or
sequence number marks nothing of the first device's.

`amends` may name only an earlier record of the same device: refused at ingest when the
target is known; when the target arrives later, the amending record gets `amends_invalid`.

All functions run inside the ingest transaction, after the device rows were touched (a row
lock on PostgreSQL; SQLite serialises writers), so two processes storing the two halves of
a fork see each other's rows.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from .models import RecordVersion, Report, table_of

REASON_AMENDS_OTHER_DEVICE = "amends a record of another device"
REASON_AMENDS_LATER = "amends a record that is not earlier in this device's chain"
REASON_AMENDS_ITSELF = "a record cannot amend itself"
PROBLEM_OTHER_DEVICE = "the record it amends belongs to another device"
PROBLEM_NOT_EARLIER = "the record it amends is not earlier in this device's chain"


def amends_refusals(session: Session, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Record id -> reason, for rows whose `amends` names a known record they may not amend."""
    targets = {row["amends"] for row in rows if row["amends"]}
    if not targets:
        return {}
    known: dict[str, tuple[str, int]] = {
        r.record_id: (r.device_id, r.seq)
        for r in session.execute(
            sa.select(col(Report.record_id), col(Report.device_id), col(Report.seq)).where(
                col(Report.record_id).in_(sorted(targets))
            )
        )
    }
    known.update(
        {row["record_id"]: (row["device_id"], row["seq"]) for row in rows if row["record_id"] in targets}
    )
    refused = {}
    for row in rows:
        target = row["amends"]
        if target is None:
            continue
        if target == row["record_id"]:
            refused[row["record_id"]] = REASON_AMENDS_ITSELF
        elif target in known:
            problem = _amends_problem(row["device_id"], row["seq"], *known[target])
            if problem:
                refused[row["record_id"]] = (
                    REASON_AMENDS_OTHER_DEVICE if problem == PROBLEM_OTHER_DEVICE else REASON_AMENDS_LATER
                )
    return refused


def after_insert(session: Session, accepted: list[dict[str, Any]]) -> None:
    """Mark the forks and the late-found foreign amendments the newly stored rows reveal."""
    by_device: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in accepted:
        by_device[row["device_id"]].append(row)
    forked: set[str] = set()
    for device_id, rows in by_device.items():
        forked |= _forks_of(session, device_id, rows)
    mark_forks(session, forked)
    _flag_amenders(session, {row["record_id"]: row for row in accepted})


def keep_other_version(session: Session, row: dict[str, Any], now: datetime) -> None:
    """A refused second version of a stored record, signed by the same device: keep it, mark the fork."""
    table = table_of(RecordVersion)
    exists = session.scalar(
        sa.select(sa.func.count())
        .select_from(table)
        .where(table.c.record_id == row["record_id"], table.c.body_hash == row["body_hash"])
    )
    if not exists:
        session.execute(
            sa.insert(table).values(
                record_id=row["record_id"],
                device_id=row["device_id"],
                seq=row["seq"],
                body=row["body"],
                body_hash=row["body_hash"],
                signature=row["signature"],
                received_at=now,
            )
        )
    mark_forks(session, {row["record_id"]})


def mark_forks(session: Session, record_ids: Iterable[str]) -> None:
    ids = sorted(record_ids)
    for start in range(0, len(ids), 500):
        session.execute(
            sa.update(Report)
            .where(col(Report.record_id).in_(ids[start : start + 500]))
            .values(chain_status="fork")
        )


def _forks_of(session: Session, device_id: str, rows: list[dict[str, Any]]) -> set[str]:
    """Ids of every record of this device sharing a sequence number or a previous hash with `rows`."""
    seqs = sorted({row["seq"] for row in rows})
    prevs = sorted({row["prev_hash"] for row in rows if row["prev_hash"]})
    siblings = set()
    for column, values in ((col(Report.seq), seqs), (col(Report.prev_hash), prevs)):
        for start in range(0, len(values), 500):
            siblings |= set(
                session.execute(
                    sa.select(col(Report.record_id), col(Report.seq), col(Report.prev_hash)).where(
                        col(Report.device_id) == device_id, column.in_(values[start : start + 500])
                    )
                ).all()
            )
    by_seq, by_prev = defaultdict(set), defaultdict(set)
    for record_id, seq, prev_hash in siblings:
        by_seq[seq].add(record_id)
        if prev_hash:
            by_prev[prev_hash].add(record_id)
    return {rid for group in (*by_seq.values(), *by_prev.values()) if len(group) > 1 for rid in group}


def _flag_amenders(session: Session, targets: dict[str, dict[str, Any]]) -> None:
    ids = sorted(targets)
    for start in range(0, len(ids), 500):
        amenders = session.execute(
            sa.select(
                col(Report.record_id), col(Report.device_id), col(Report.seq), col(Report.amends)
            ).where(col(Report.amends).in_(ids[start : start + 500]))
        ).all()
        bad = [
            a.record_id
            for a in amenders
            if _amends_problem(a.device_id, a.seq, targets[a.amends]["device_id"], targets[a.amends]["seq"])
        ]
        if bad:
            session.execute(
                sa.update(Report).where(col(Report.record_id).in_(bad)).values(amends_invalid=True)
            )


def _amends_problem(device_id: str, seq: int, target_device: str, target_seq: int) -> str | None:
    if target_device != device_id:
        return PROBLEM_OTHER_DEVICE
    if target_seq >= seq:
        return PROBLEM_NOT_EARLIER
    return None


# -- what the review routes show ------------------------------------------------------------


def fork_evidence(session: Session, report: Report) -> dict[str, Any] | None:
    """The other records of this fork and the refused versions of this record, or None."""
    if report.chain_status != "fork":
        return None
    same_place = sa.or_(
        col(Report.seq) == report.seq,
        sa.and_(col(Report.prev_hash).is_not(None), col(Report.prev_hash) == report.prev_hash),
    )
    others = session.scalars(
        sa.select(col(Report.record_id))
        .where(
            col(Report.device_id) == report.device_id, col(Report.record_id) != report.record_id, same_place
        )
        .order_by(col(Report.received_at), col(Report.record_id))
    ).all()
    versions = session.execute(
        sa.select(col(RecordVersion.body_hash), col(RecordVersion.received_at))
        .where(col(RecordVersion.record_id) == report.record_id)
        .order_by(col(RecordVersion.id))
    ).all()
    return {
        "records": list(others),
        "other_versions": [{"body_hash": v.body_hash, "received_at": v.received_at} for v in versions],
    }


def amends_problem(session: Session, report: Report) -> str | None:
    if not report.amends_invalid or report.amends is None:
        return None
    target = session.get(Report, report.amends)
    if target is None:  # pragma: no cover - the flag is set only once the target is here
        return None
    return _amends_problem(report.device_id, report.seq, target.device_id, target.seq)


def valid_amendments(session: Session, report: Report) -> list[str]:
    """Later records of the same device that amend this one (foreign ones never count)."""
    return list(
        session.scalars(
            sa.select(col(Report.record_id))
            .where(
                col(Report.amends) == report.record_id,
                col(Report.device_id) == report.device_id,
                col(Report.amends_invalid).is_(False),
            )
            .order_by(col(Report.received_at))
        ).all()
    )
