"""The sync engine's view of the store (sync.outbox.Outbox) over the same SQLite file.

Queued records go out in sequence order; results and review updates are applied in
one local transaction each, and states never move backwards.
"""

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, select, update

from fieldapp.vault import DeviceKeys
from sync.crypto import b64decode
from sync.outbox import OutboxItem
from sync.records import SignedRecord, envelope_header, seal_record
from sync.wire import ItemResult, ReviewUpdate

from .clock import stamp
from .codec import observation_aad, open_json, seal_json, status_message_aad
from .database import make_durable
from .observations import INSERT_EVENT, OBS
from .secret_settings import read_setting, write_setting
from .states import DRAFT, QUEUED, REVIEW_STATES, SENT

DELIVERED = ("accepted", "duplicate")


class SqlOutbox:
    """Implements sync.outbox.Outbox for one unlocked device."""

    def __init__(self, engine: Engine, keys: DeviceKeys, *, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._keys = keys
        self._clock = clock

    def _sendable(self):
        # A record the server rejected keeps its state with the reason; it is not resent blindly.
        return (OBS.c.state == QUEUED) & OBS.c.envelope.is_not(None) & OBS.c.delivery_error.is_(None)

    def count_queued(self) -> int:
        with self._engine.begin() as connection:
            return connection.execute(select(func.count()).where(self._sendable())).scalar_one()

    def queued(self, *, after: str | None, limit: int) -> list[OutboxItem]:
        query = select(OBS.c.id, OBS.c.envelope).where(self._sendable()).order_by(OBS.c.seq).limit(limit)
        if after is None:
            # Records about to leave the device must survive a power cut first (see database.py):
            # a record the server has but the device lost would fork the device's chain.
            make_durable(self._engine)
        with self._engine.begin() as connection:
            if after is not None:
                after_seq = connection.execute(
                    select(OBS.c.seq).where(OBS.c.id == after)
                ).scalar_one_or_none()
                if after_seq is not None:
                    query = query.where(OBS.c.seq > after_seq)
            rows = connection.execute(query).all()
        return [
            OutboxItem(record_id=row.id, envelope=json.loads(row.envelope), size=len(row.envelope.encode()))
            for row in rows
        ]

    def mark_results(self, results: list[ItemResult]) -> None:
        # Set-based (one SELECT, then executemany) so a batch of hundreds costs a few statements.
        now = stamp(self._clock())
        delivered = [r.record_id for r in results if r.status in DELIVERED]
        refused = [
            {"rid": r.record_id, "why": r.reason or "rejected by the server", "now": now}
            for r in results
            if r.status not in DELIVERED
        ]
        with self._engine.begin() as connection:
            moving = set()
            if delivered:
                moving = set(connection.execute(_SELECT_QUEUED_IDS, {"ids": delivered}).scalars())
            if moving:
                ordered = [rid for rid in dict.fromkeys(delivered) if rid in moving]
                connection.execute(_MARK_SENT, [{"rid": rid, "now": now} for rid in ordered])
                connection.execute(
                    INSERT_EVENT,
                    [{"record_id": rid, "state": SENT, "at": now, "message": None} for rid in ordered],
                )
            if refused:
                connection.execute(_MARK_REFUSED, refused)

    def update_cursor(self) -> int:
        with self._engine.begin() as connection:
            return int(read_setting(connection, self._keys, "update_cursor", 0))

    def apply_updates(self, updates: list[ReviewUpdate], cursor: int) -> None:
        now = stamp(self._clock())
        # Review states come from the server in cursor order; the last one wins (executemany
        # keeps the order). A queued record the server has reviewed was evidently delivered.
        wanted = [item for item in updates if item.state in REVIEW_STATES]
        with self._engine.begin() as connection:
            known = set()
            if wanted:
                ids = list({item.record_id for item in wanted})
                known = set(connection.execute(_SELECT_FINALIZED_IDS, {"ids": ids}).scalars())
            applied = [item for item in wanted if item.record_id in known]
            if applied:
                connection.execute(
                    _SET_REVIEW_STATE,
                    [{"rid": i.record_id, "new_state": i.state, "now": now} for i in applied],
                )
                connection.execute(INSERT_EVENT, [self._event(item, now) for item in applied])
            write_setting(connection, self._keys, "update_cursor", int(cursor))

    def _event(self, item: ReviewUpdate, now: str) -> dict:
        """A status-history row for a review update (the verifier's message encrypted)."""
        at = stamp(item.changed_at) if item.changed_at.tzinfo else now
        message = None
        if item.message is not None:
            message = seal_json(self._keys, item.message, status_message_aad(item.record_id, at))
        return {"record_id": item.record_id, "state": item.state, "at": at, "message": message}


_SELECT_QUEUED_IDS = select(OBS.c.id).where(
    OBS.c.id.in_(bindparam("ids", expanding=True)), OBS.c.state == QUEUED
)
_SELECT_FINALIZED_IDS = select(OBS.c.id).where(
    OBS.c.id.in_(bindparam("ids", expanding=True)), OBS.c.state != DRAFT
)
_MARK_SENT = (
    update(OBS)
    .where(OBS.c.id == bindparam("rid"), OBS.c.state == QUEUED)
    .values(state=SENT, delivery_error=None, updated_at=bindparam("now"))
)
_MARK_REFUSED = (
    update(OBS)
    .where(OBS.c.id == bindparam("rid"), OBS.c.state == QUEUED)
    .values(delivery_error=bindparam("why"), updated_at=bindparam("now"))
)
_SET_REVIEW_STATE = (
    update(OBS)
    .where(OBS.c.id == bindparam("rid"), OBS.c.state != DRAFT)
    .values(state=bindparam("new_state"), delivery_error=None, updated_at=bindparam("now"))
)


def seal_queued(engine: Engine, keys: DeviceKeys, server_seal_key: bytes | None = None) -> int:
    """Seal every queued record that has no envelope yet; returns how many were sealed.

    Called at enrolment, once the server's seal key is known (records finalized after that
    are sealed as they are finalized). With no key given, the stored `server_seal_key` is used.
    """
    sealed = 0
    with engine.begin() as connection:
        if server_seal_key is None:
            stored = read_setting(connection, keys, "server_seal_key")
            if not stored:
                return 0
            server_seal_key = b64decode(stored)
        rows = connection.execute(
            select(OBS.c.id, OBS.c.seq, OBS.c.content)
            .where(OBS.c.state == QUEUED, OBS.c.envelope.is_(None))
            .order_by(OBS.c.seq)
        ).all()
        for row in rows:
            content = open_json(keys, row.content, observation_aad(row.id))
            signed = SignedRecord(body=b64decode(content["body"]), signature=b64decode(content["signature"]))
            header = envelope_header(record_id=row.id, device_id=keys.device_id, seq=row.seq)
            envelope = json.dumps(seal_record(signed, header, server_seal_key), separators=(",", ":"))
            connection.execute(update(OBS).where(OBS.c.id == row.id).values(envelope=envelope))
            sealed += 1
    return sealed
