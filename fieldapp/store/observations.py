"""Observations at rest: drafts, finalizing into the device's signed chain, reading, paging.

The store takes record dicts that the model has already validated (`Observation.to_record()`);
it never validates content itself. Each method is one transaction.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, tuple_, update

from fieldapp.vault import DeviceKeys
from sync.canonical import sha256_hex
from sync.crypto import b64decode, b64encode
from sync.records import envelope_header, seal_record, sign_record

from .clock import stamp
from .codec import observation_aad, open_json, seal_json, status_message_aad
from .errors import DuplicateRecord, NotADraft, NotEditable, UnknownRecord
from .secret_settings import read_setting
from .states import DRAFT, QUEUED, STATES
from .tables import ObservationRow, StatusEventRow, table_of
from .views import Page, RecordView, StatusEvent

OBS = table_of(ObservationRow)
EVENTS = table_of(StatusEventRow)
# Keys the store sets itself; never taken from the caller's record.
STORE_KEYS = ("state", "recorded_at", "seq", "prev_hash", "signature", "device_id")
MAX_PAGE = 500

# Statements of the save path, built once: building them per call (SQLAlchemy's generative
# API and cache keys) cost more than the SQLite work itself.
INSERT_OBSERVATION = insert(OBS)
INSERT_EVENT = insert(EVENTS)
SELECT_BY_ID = select(OBS).where(OBS.c.id == bindparam("record_id"))
SELECT_EXISTING_IDS = select(OBS.c.id).where(OBS.c.id.in_(bindparam("ids", expanding=True)))
SELECT_CHAIN_HEAD = (
    select(OBS.c.id, OBS.c.seq, OBS.c.content)
    .where(OBS.c.seq.is_not(None))
    .order_by(OBS.c.seq.desc())
    .limit(1)
)
UPDATE_FINALIZED = (
    update(OBS)
    .where(OBS.c.id == bindparam("record_id"))
    .values(
        state=bindparam("state"),
        seq=bindparam("seq"),
        updated_at=bindparam("updated_at"),
        envelope=bindparam("envelope"),
        content=bindparam("content"),
    )
)


class ObservationStore:
    """Encrypted observations in the SQLite file, for one unlocked device."""

    def __init__(self, engine: Engine, keys: DeviceKeys, *, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._keys = keys
        self._clock = clock

    # --- drafts -------------------------------------------------------------------------

    def add(
        self,
        records: Sequence[dict[str, Any]],
        *,
        finalize: bool = False,
        also: Callable[[Connection], None] | None = None,
    ) -> list[str]:
        """Store new drafts (and finalize them) all in one transaction: all or nothing.

        `also` runs inside that transaction after the inserts (the photos' rows use it).
        """
        moment = self._clock()
        with self._engine.begin() as connection:
            known = (
                connection.execute(SELECT_EXISTING_IDS, {"ids": [r["id"] for r in records]}).scalars().all()
            )
            if known:
                raise DuplicateRecord(known[0])
            for position, record in enumerate(records):
                record = _without_store_keys(record)
                # A microsecond apart, so a batch lists newest-first in its input order.
                now = stamp(moment + timedelta(microseconds=position))
                row = {"id": record["id"], "kind": record["kind"], "created_at": now}
                if finalize:  # saved and finalized at once: one insert, straight into the chain
                    row.update(self._next_link(connection, record["id"], record, now))
                else:
                    row.update(
                        state=DRAFT,
                        seq=None,
                        updated_at=now,
                        envelope=None,
                        content=self._seal_content(record["id"], {"record": record}),
                    )
                connection.execute(INSERT_OBSERVATION, row)
                add_status_event(connection, self._keys, record["id"], row["state"], now)
            if also is not None:
                also(connection)
        return [record["id"] for record in records]

    def update_draft(self, record: dict[str, Any]) -> None:
        """Replace a draft's content; finalized records are immutable."""
        record = _without_store_keys(record)
        now = stamp(self._clock())
        with self._engine.begin() as connection:
            self._require_draft(connection, record["id"], NotEditable)
            connection.execute(
                update(OBS)
                .where(OBS.c.id == record["id"])
                .values(
                    kind=record["kind"],
                    updated_at=now,
                    content=self._seal_content(record["id"], {"record": record}),
                )
            )

    def delete_draft(self, record_id: str) -> None:
        with self._engine.begin() as connection:
            self._require_draft(connection, record_id, NotEditable)
            connection.execute(delete(OBS).where(OBS.c.id == record_id))

    # --- finalizing ---------------------------------------------------------------------

    def finalize(self, record_id: str) -> RecordView:
        """Sign the draft into the chain (next seq, previous hash) in one transaction."""
        now = stamp(self._clock())
        with self._engine.begin() as connection:
            row = self._require_draft(connection, record_id, NotADraft)
            record = self._open_content(row)["record"]
            values = self._next_link(connection, record_id, record, now)
            connection.execute(UPDATE_FINALIZED, {"record_id": record_id, **values})
            add_status_event(connection, self._keys, record_id, QUEUED, now)
        return self.get(record_id)

    def _next_link(
        self, connection: Connection, record_id: str, record: dict[str, Any], now: str
    ) -> dict[str, Any]:
        """The column values of `record` signed as the chain's next link (and sealed if we can)."""
        # BEGIN IMMEDIATE (see database.py) holds the write lock from the transaction's start,
        # so reading the chain head and writing the next link can't interleave with another.
        head = connection.execute(SELECT_CHAIN_HEAD).first()
        if head is None:
            seq, prev_hash = 1, None
        else:
            seq, prev_hash = head.seq + 1, sha256_hex(b64decode(self._open_content(head)["body"]))
        signed = sign_record(
            {**record, "recorded_at": now},
            device_id=self._keys.device_id,
            seq=seq,
            prev_hash=prev_hash,
            private_key=self._keys.signing_key,
        )
        server_key = read_setting(connection, self._keys, "server_seal_key")
        envelope = None
        if server_key:
            envelope = json.dumps(
                seal_record(
                    signed,
                    envelope_header(record_id=record_id, device_id=self._keys.device_id, seq=seq),
                    b64decode(server_key),
                ),
                separators=(",", ":"),
            )
        content = {"body": b64encode(signed.body), "signature": b64encode(signed.signature)}
        return {
            "state": QUEUED,
            "seq": seq,
            "updated_at": now,
            "envelope": envelope,
            "content": self._seal_content(record_id, content),
        }

    # --- reading ------------------------------------------------------------------------

    def get(self, record_id: str) -> RecordView:
        """One record with its whole status history and the verifier's latest message."""
        with self._engine.begin() as connection:
            row = _row(connection, record_id)
            if row is None:
                raise UnknownRecord(f"no observation with id {record_id} on this device")
            events = connection.execute(
                select(EVENTS.c.state, EVENTS.c.at, EVENTS.c.message)
                .where(EVENTS.c.record_id == record_id)
                .order_by(EVENTS.c.id)
            ).all()
        history = tuple(
            StatusEvent(
                state=event.state,
                at=event.at,
                message=None
                if event.message is None
                else open_json(self._keys, event.message, status_message_aad(record_id, event.at)),
            )
            for event in events
        )
        latest = next((event.message for event in reversed(history) if event.message), None)
        return self._view(row, history=history, message=latest)

    def page(
        self, states: Iterable[str] | None = None, *, cursor: str | None = None, limit: int = 50
    ) -> Page:
        """Newest first; only this page's rows are decrypted."""
        limit = max(1, min(limit, MAX_PAGE))
        query = select(OBS).order_by(OBS.c.created_at.desc(), OBS.c.id.desc()).limit(limit + 1)
        if states is not None:
            wanted = list(states)
            query = (
                query.where(OBS.c.state == wanted[0])
                if len(wanted) == 1
                else query.where(OBS.c.state.in_(wanted))
            )
        if cursor:
            created_at, _, last_id = cursor.partition("/")
            query = query.where(tuple_(OBS.c.created_at, OBS.c.id) < tuple_(created_at, last_id))
        with self._engine.begin() as connection:
            rows = connection.execute(query).all()
        items = [self._view(row) for row in rows[:limit]]
        next_cursor = f"{rows[limit - 1].created_at}/{rows[limit - 1].id}" if len(rows) > limit else None
        return Page(items=items, next_cursor=next_cursor)

    def counts(self) -> dict[str, int]:
        with self._engine.begin() as connection:
            found = dict(
                (row.state, row.count)
                for row in connection.execute(
                    select(OBS.c.state, func.count().label("count")).group_by(OBS.c.state)
                )
            )
        return {state: found.get(state, 0) for state in STATES}

    # --- helpers ------------------------------------------------------------------------

    def _require_draft(self, connection: Connection, record_id: str, error: type[Exception]) -> Any:
        row = _row(connection, record_id)
        if row is None:
            raise UnknownRecord(f"no observation with id {record_id} on this device")
        if row.state != DRAFT:
            raise error()
        return row

    def _seal_content(self, record_id: str, content: dict[str, Any]) -> bytes:
        return seal_json(self._keys, content, observation_aad(record_id))

    def _open_content(self, row: Any) -> dict[str, Any]:
        return open_json(self._keys, row.content, observation_aad(row.id))

    def _view(
        self, row: Any, *, history: tuple[StatusEvent, ...] = (), message: str | None = None
    ) -> RecordView:
        content = self._open_content(row)
        common: dict[str, Any] = {
            "id": row.id,
            "kind": row.kind,
            "state": row.state,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "delivery_error": row.delivery_error,
            "sealed": row.envelope is not None,
            "history": history,
            "message": message,
        }
        if "body" in content:
            return RecordView.from_signed_body(
                b64decode(content["body"]), signature=content["signature"], **common
            )
        return RecordView(record=content["record"], **common)


def _row(connection: Connection, record_id: str) -> Any:
    return connection.execute(SELECT_BY_ID, {"record_id": record_id}).first()


def add_status_event(
    connection: Connection,
    keys: DeviceKeys,
    record_id: str,
    state: str,
    at: str,
    message: str | None = None,
) -> None:
    """Append one step to a record's history (the message, if any, encrypted)."""
    blob = None
    if message is not None:
        blob = seal_json(keys, message, status_message_aad(record_id, at))
    connection.execute(INSERT_EVENT, {"record_id": record_id, "state": state, "at": at, "message": blob})


def _without_store_keys(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in STORE_KEYS}
