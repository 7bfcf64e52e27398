"""Ingest: the one path every received envelope takes (push, bundle upload, admin import).

Per item, in the order of docs/ARCHITECTURE.md: header schema (already validated by the
wire model) → device known and not revoked → unseal (one opaque error) → verify the
signature over the exact bytes with the enrolled key → parse → header matches body →
what a body may hold (server/record_content.py) → record fields → idempotency by
(record id, body hash) → chain check (a gap is recorded, not rejected). Results come back in request order.

The crypto runs outside any transaction; the writes for the whole batch are one
transaction of a few bulk statements. Idempotency is decided by the database, not by a
read-then-write: `INSERT ... ON CONFLICT DO NOTHING RETURNING record_id`, then a re-read of
the rows that were not inserted. Two processes racing the same batch therefore store one
row per record, and each item is `accepted` in exactly one of them and `duplicate` (or a
conflict) in the other.
"""

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.canonical import canonical_bytes
from sync.crypto import b64decode, b64encode, sign
from sync.errors import DecryptionError, ProtocolError, SignatureError
from sync.records import check_header_matches, open_envelope, verify_record
from sync.wire import Bundle, Envelope, ItemResult

from . import chain_evidence, transparency
from .clock import Clock
from .context import CRYPTO_THREADS
from .database import SessionFactory, insert_ignoring_conflicts
from .detail_columns import detail_columns
from .detail_columns import remember as remember_columns
from .keys import ServerKeys
from .location_description import describe_location
from .models import Device, DeviceUpdate, Report, table_of
from .record_content import check_content
from .record_fields import MalformedRecord, read_report_fields

log = logging.getLogger("fieldapp.server.ingest")

REASON_OTHER_DEVICE = "envelope belongs to another device"
REASON_UNKNOWN_DEVICE = "unknown device"
REASON_REVOKED = "device revoked"
REASON_UNSEAL = "cannot open envelope (not sealed to this server, or changed in transit)"
REASON_SIGNATURE = "bad signature"
REASON_HEADER = "envelope header does not match the signed record"
REASON_CONFLICT = "conflict: a different record with this id was already received"


@dataclass
class _Candidate:
    """An item that passed every check before the database."""

    index: int
    row: dict[str, Any]
    columns: set[str]  # its `details_*` export columns (server/detail_columns.py)


def ingest_envelopes(
    envelopes: Sequence[Envelope],
    *,
    session_factory: SessionFactory,
    keys: ServerKeys,
    clock: Clock,
    only_device: str | None = None,
    pool: Executor | None = None,
) -> list[ItemResult]:
    """Check and store a batch; one ItemResult per envelope, in order.

    `only_device`: pushes are restricted to the authenticated device's own envelopes.
    `pool`: where a large batch's envelopes are opened (`ServerContext.pool`); without
    one, everything runs on the calling thread.
    """
    now = clock()
    results: list[ItemResult | None] = [None] * len(envelopes)
    with session_factory() as session:
        devices = _devices(session, {env.header.device_id for env in envelopes})
    candidates: list[_Candidate] = []
    opened = _map_in_parallel(lambda env: _open(env, devices, keys, only_device, now), envelopes, pool)
    for index, (envelope, outcome) in enumerate(zip(envelopes, opened, strict=True)):
        if isinstance(outcome, str):
            record_id = envelope.header.record_id
            results[index] = ItemResult(record_id=record_id, status="rejected", reason=outcome)
        else:
            candidates.append(_Candidate(index, *outcome))
    for candidate in candidates:  # pure Python: here, not in the crypto threads (no GIL convoy)
        candidate.row["location_description"] = describe_location(candidate.row["lat"], candidate.row["lon"])
    if candidates:
        for index, result in _store(candidates, session_factory, now).items():
            results[index] = result
    final = [r for r in results if r is not None]
    assert len(final) == len(envelopes)
    counts: dict[str, int] = {}
    for result in final:
        counts[result.status] = counts.get(result.status, 0) + 1
    log.info("ingest", extra={"fields": {"items": len(final), **counts}})
    return final


# Opening envelopes (unseal, verify) is most of the ingest time and releases the GIL: a
# batch is cut into one part per thread of the context's pool, so on a multi-core server
# the crypto of one part overlaps the other's. Small batches stay on the calling thread.
_PARALLEL_FROM = 32
BUNDLE_CHUNK = 500  # envelopes of a bundle stored per transaction


def _map_in_parallel(
    function: Callable[[Envelope], Any], envelopes: Sequence[Envelope], pool: Executor | None
) -> list[Any]:
    if pool is None or len(envelopes) < _PARALLEL_FROM:
        return [function(envelope) for envelope in envelopes]
    size = -(-len(envelopes) // CRYPTO_THREADS)
    parts = [envelopes[start : start + size] for start in range(0, len(envelopes), size)]
    futures = [pool.submit(_each, function, part) for part in parts]
    return [outcome for future in futures for outcome in future.result()]


def _each(function: Callable[[Envelope], Any], envelopes: Sequence[Envelope]) -> list[Any]:
    return [function(envelope) for envelope in envelopes]


def import_bundle(
    bundle: Bundle,
    *,
    session_factory: SessionFactory,
    keys: ServerKeys,
    clock: Clock,
    pool: Executor | None = None,
) -> list[ItemResult]:
    """An offline bundle through the same ingest as a push (envelopes of the bundle's device only),
    stored `BUNDLE_CHUNK` envelopes per transaction."""
    results: list[ItemResult] = []
    for start in range(0, len(bundle.envelopes), BUNDLE_CHUNK):
        results += ingest_envelopes(
            bundle.envelopes[start : start + BUNDLE_CHUNK],
            session_factory=session_factory,
            keys=keys,
            clock=clock,
            only_device=bundle.device_id,
            pool=pool,
        )
    return results


def receipt_signature(results: Sequence[ItemResult], keys: ServerKeys) -> str:
    """The server's Ed25519 signature over canonical JSON of the results list."""
    return b64encode(sign(keys.sign_private, canonical_bytes([r.model_dump() for r in results])))


def _devices(session: Session, ids: set[str]) -> dict[str, tuple[bytes, bool]]:
    rows = session.execute(
        sa.select(col(Device.id), col(Device.public_key), col(Device.revoked_at)).where(
            col(Device.id).in_(sorted(ids))
        )
    ).all()
    return {row.id: (b64decode(row.public_key), row.revoked_at is not None) for row in rows}


def _open(
    envelope: Envelope,
    devices: dict[str, tuple[bytes, bool]],
    keys: ServerKeys,
    only_device: str | None,
    now: datetime,
) -> tuple[dict[str, Any], set[str]] | str:
    """The row to store and its export columns, or the reason this item is rejected."""
    header = envelope.header.model_dump()
    device_id = header["device_id"]
    if only_device is not None and device_id != only_device:
        return REASON_OTHER_DEVICE
    device = devices.get(device_id)
    if device is None:
        return REASON_UNKNOWN_DEVICE
    public_key, revoked = device
    if revoked:
        return REASON_REVOKED
    try:
        signed = open_envelope(header, envelope.sealed, keys.seal_private)
    except DecryptionError:
        return REASON_UNSEAL
    except ProtocolError as exc:
        return str(exc)
    try:
        content = verify_record(signed, public_key)
    except SignatureError:
        return REASON_SIGNATURE
    except ProtocolError as exc:
        return f"malformed record: {exc}"
    try:
        check_header_matches(header, content)
    except ProtocolError:
        return REASON_HEADER
    try:
        check_content(content)
        fields = read_report_fields(content)
    except MalformedRecord as exc:
        return str(exc)
    row = {
        "record_id": header["record_id"],
        "device_id": device_id,
        "seq": header["seq"],
        "body": signed.body,
        "body_hash": signed.hash,
        "signature": signed.signature,
        "prev_hash": fields.prev_hash,
        "kind": fields.kind,
        "observed_at": fields.observed_at,
        "recorded_at": fields.recorded_at,
        "lat": fields.lat,
        "lon": fields.lon,
        "received_at": now,
        "state": "received",
        "chain_status": "ok",
        "amends": fields.amends,
        "amends_invalid": False,
    }
    return row, detail_columns(content)


def _store(
    candidates: list[_Candidate], session_factory: SessionFactory, now: datetime
) -> dict[int, ItemResult]:
    answers: dict[int, ItemResult] = {}
    first_by_id: dict[str, _Candidate] = {}
    repeats: list[_Candidate] = []
    for candidate in candidates:
        if candidate.row["record_id"] in first_by_id:
            repeats.append(candidate)
        else:
            first_by_id[candidate.row["record_id"]] = candidate
    device_ids = sorted({c.row["device_id"] for c in first_by_id.values()})
    with session_factory() as session, session.begin():
        # Touch each device row first: on PostgreSQL this takes the row lock, so change-log
        # cursors for one device are handed out in commit order (a puller never skips one),
        # and a fork's two halves stored by two processes see each other.
        for device_id in device_ids:
            session.execute(sa.update(Device).where(col(Device.id) == device_id).values(last_seen_at=now))
        refused = chain_evidence.amends_refusals(session, [c.row for c in first_by_id.values()])
        for record_id, reason in refused.items():
            candidate = first_by_id.pop(record_id)
            answers[candidate.index] = ItemResult(record_id=record_id, status="rejected", reason=reason)
        firsts = list(first_by_id.values())
        _set_chain_status(session, firsts)
        inserted = _insert(session, [c.row for c in firsts]) if firsts else set()
        stored = _stored_rows(session, [rid for rid in first_by_id if rid not in inserted])
        for record_id, candidate in first_by_id.items():
            if record_id in inserted:
                answers[candidate.index] = ItemResult(record_id=record_id, status="accepted")
            else:
                answers[candidate.index] = _existing(session, candidate, stored.get(record_id), now)
        for candidate in repeats:
            record_id = candidate.row["record_id"]
            if record_id in refused:
                answers[candidate.index] = ItemResult(
                    record_id=record_id, status="rejected", reason=refused[record_id]
                )
                continue
            first = first_by_id[record_id].row
            answers[candidate.index] = _existing(
                session, candidate, (first["body_hash"], first["device_id"]), now
            )
        accepted = [c.row for c in firsts if c.row["record_id"] in inserted]  # request order
        if accepted:
            remember_columns(
                session, set().union(*(c.columns for c in firsts if c.row["record_id"] in inserted))
            )
            chain_evidence.after_insert(session, accepted)
            _after_accept(session, accepted, now)
        # The transparency log gets a leaf per accepted record in this same transaction.
        return transparency.log_accepted(session, answers, accepted, now=now)


def _existing(
    session: Session, candidate: _Candidate, stored: tuple[str, str] | None, now: datetime
) -> ItemResult:
    """A record id already stored: the same bytes are a duplicate, other bytes a conflict.

    A conflict signed by the device that sent the stored record is a second version of it:
    kept as the evidence of a fork (server/chain_evidence.py).
    """
    record_id = candidate.row["record_id"]
    if stored is not None and stored[0] == candidate.row["body_hash"]:
        return ItemResult(record_id=record_id, status="duplicate")
    same_device = stored is not None and stored[1] == candidate.row["device_id"]
    if same_device:
        chain_evidence.keep_other_version(session, candidate.row, now)
    log.warning(
        "ingest.conflict",
        extra={
            "fields": {"record_id": record_id, "device_id": candidate.row["device_id"], "fork": same_device}
        },
    )
    return ItemResult(record_id=record_id, status="rejected", reason=REASON_CONFLICT)


def _insert(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    table = table_of(Report)
    statement = insert_ignoring_conflicts(session, table, key=["record_id"]).returning(table.c.record_id)
    return set(session.execute(statement, rows).scalars().all())


def _stored_rows(session: Session, record_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Record id -> (body hash, device id) of rows already stored."""
    if not record_ids:
        return {}
    query = sa.select(col(Report.record_id), col(Report.body_hash), col(Report.device_id)).where(
        col(Report.record_id).in_(record_ids)
    )
    return {row.record_id: (row.body_hash, row.device_id) for row in session.execute(query)}


def _set_chain_status(session: Session, candidates: list[_Candidate]) -> None:
    """ok: a previous record (stored or in this batch) has the hash this one names; gap: no
    previous record here yet; broken: previous present with another hash, or the first link
    names a previous one. (Forks are marked after the insert: server/chain_evidence.py.)"""
    known: dict[tuple[str, int], set[str]] = {}
    for c in candidates:
        known.setdefault((c.row["device_id"], c.row["seq"]), set()).add(c.row["body_hash"])
    wanted: dict[str, set[int]] = {}
    for c in candidates:
        if c.row["seq"] > 1:
            wanted.setdefault(c.row["device_id"], set()).add(c.row["seq"] - 1)
    for device_id, seqs in wanted.items():
        query = sa.select(col(Report.seq), col(Report.body_hash)).where(
            col(Report.device_id) == device_id, col(Report.seq).in_(sorted(seqs))
        )
        for row in session.execute(query):
            known.setdefault((device_id, row.seq), set()).add(row.body_hash)
    for c in candidates:
        item = c.row
        key = (item["device_id"], item["seq"] - 1)
        if item["seq"] == 1:
            item["chain_status"] = "ok" if item["prev_hash"] is None else "broken"
        elif item["prev_hash"] is None:
            item["chain_status"] = "broken"
        elif key in known:
            item["chain_status"] = "ok" if item["prev_hash"] in known[key] else "broken"
        else:
            item["chain_status"] = "gap"


def _after_accept(session: Session, accepted: list[dict[str, Any]], now: datetime) -> None:
    """Change-log entries (the device pulls `received`), last seq, and gaps this batch closed."""
    session.execute(
        sa.insert(table_of(DeviceUpdate)),
        [
            {"device_id": r["device_id"], "record_id": r["record_id"], "state": "received", "changed_at": now}
            for r in accepted
        ],
    )
    by_device: dict[str, list[dict[str, Any]]] = {}
    for row in accepted:
        by_device.setdefault(row["device_id"], []).append(row)
    for device_id, rows in by_device.items():
        top = max(r["seq"] for r in rows)
        session.execute(
            sa.update(Device)
            .where(col(Device.id) == device_id, col(Device.last_seq) < top)
            .values(last_seq=top)
        )
        hashes: dict[int, set[str]] = {}
        for r in rows:
            hashes.setdefault(r["seq"], set()).add(r["body_hash"])
        successors = session.execute(
            sa.select(col(Report.record_id), col(Report.seq), col(Report.prev_hash)).where(
                col(Report.device_id) == device_id,
                col(Report.chain_status) == "gap",  # a fork stays a fork when its gap fills
                col(Report.seq).in_(sorted(s + 1 for s in hashes)),
            )
        ).all()
        for successor in successors:
            status = "ok" if successor.prev_hash in hashes.get(successor.seq - 1, ()) else "broken"
            session.execute(
                sa.update(Report)
                .where(col(Report.record_id) == successor.record_id)
                .values(chain_status=status)
            )
