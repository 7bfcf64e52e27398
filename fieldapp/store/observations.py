"""Observations at rest: drafts, finalizing into the device's signed chain, reading, paging.

The store takes record dicts that the model has already validated (`Observation.to_record()`);
it never validates content itself. Each method is one transaction.
"""

import heapq
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from fieldapp.vault import DeviceKeys
from sync.canonical import sha256_hex
from sync.crypto import b64decode, b64encode
from sync.records import envelope_header, sign_record

from .clock import stamp
from .errors import DuplicateRecord, NotADraft, NotEditable, UnknownRecord
from .rows import (
    EVENTS,
    INSERT_EVENT,
    INSERT_OBSERVATION,
    OBS,
    event_row,
    next_sort_key,
    open_content,
    open_event,
    seal_column,
    seal_content,
    view_of,
    write_draft,
)
from .sealing import seal_envelope, server_seal_key
from .states import AMENDED, ANSWERED, DRAFT, NEEDS_INFO, QUEUED, STATES
from .tables import StateCountRow, table_of
from .views import Page, RecordView

# Keys the store sets itself; never taken from the caller's record.
STORE_KEYS = ("state", "recorded_at", "seq", "prev_hash", "signature", "device_id")
MAX_PAGE = 500
SNAPSHOT_FETCH = 200  # rows decrypted at a time while a listing streams

# Statements of the save path, built once: building them per call (SQLAlchemy's generative
# API and cache keys) cost more than the SQLite work itself.
SELECT_BY_ID = select(OBS).where(OBS.c.id == bindparam("record_id"))
# Ids are lowercase hex and dashes (checked before), so a prefix is a plain range of the index.
SELECT_IDS_FROM = (
    select(OBS.c.id)
    .where(OBS.c.id >= bindparam("prefix"), OBS.c.id < bindparam("prefix_end"))
    .order_by(OBS.c.id)
    .limit(bindparam("limit"))
)
SELECT_EXISTING_IDS = select(OBS.c.id).where(OBS.c.id.in_(bindparam("ids", expanding=True)))
# The chain's head is the newest finalized record: sort keys rise with sequence numbers.
SELECT_CHAIN_HEAD = (
    select(OBS.c.id, OBS.c.content).where(OBS.c.state != DRAFT).order_by(OBS.c.sort_key.desc()).limit(1)
)
_STATE_OF = select(OBS.c.state).where(OBS.c.id == bindparam("rid"))
SELECT_EVENTS = (
    select(EVENTS.c.event).where(EVENTS.c.record_id == bindparam("record_id")).order_by(EVENTS.c.id)
)
SELECT_COUNTS = select(table_of(StateCountRow))
UPDATE_FINALIZED = (
    update(OBS)
    .where(OBS.c.id == bindparam("record_id"))
    .values(
        state=bindparam("state"),
        sort_key=bindparam("sort_key"),
        updated_at=bindparam("updated_at"),
        envelope=bindparam("envelope"),
        content=bindparam("content"),
    )
)

ChainHead = tuple[int, str | None]  # (seq, hash of its body) of the newest finalized record


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
        now = stamp(self._clock())
        keys = self._keys
        with self._engine.begin() as connection:
            known = (
                connection.execute(SELECT_EXISTING_IDS, {"ids": [r["id"] for r in records]}).scalars().all()
            )
            if known:
                raise DuplicateRecord(known[0])
            sort_key = next_sort_key(connection)
            head = self._chain_head(connection) if finalize else (0, None)  # read only to finalize
            rows, events = [], []
            for position, record in enumerate(records):
                record = _without_store_keys(record)
                record_id = record["id"]
                # Input order is list order: each record gets the next key (newest last).
                row = {"id": record_id, "sort_key": sort_key + position}
                row["created_at"] = seal_column(keys, record_id, "created_at", now)
                if finalize:  # saved and finalized at once: one insert, straight into the chain
                    values, head = self._next_link(connection, record, now, head)
                    row.update(values)
                else:
                    row.update(
                        state=DRAFT,
                        updated_at=seal_column(keys, record_id, "updated_at", now),
                        envelope=None,
                        content=seal_content(keys, record_id, {"record": record}),
                    )
                rows.append(row)
                events.append(event_row(keys, record_id, row["state"], now))
            connection.execute(INSERT_OBSERVATION, rows)
            if finalize:
                events += [e for r in records if (e := self._thread_event(connection, r, now)) is not None]
            connection.execute(INSERT_EVENT, events)
            if also is not None:
                also(connection)
        return [record["id"] for record in records]

    def update_draft(self, record: dict[str, Any]) -> None:
        """Replace a draft's content; finalized records are immutable."""
        record = _without_store_keys(record)
        now = stamp(self._clock())
        with self._engine.begin() as connection:
            self._require_draft(connection, record["id"], NotEditable)
            write_draft(connection, self._keys, record["id"], record, now)

    def delete_draft(self, record_id: str) -> None:
        with self._engine.begin() as connection:
            self._require_draft(connection, record_id, NotEditable)
            connection.execute(delete(OBS).where(OBS.c.id == record_id))

    # --- finalizing ---------------------------------------------------------------------

    def finalize(self, record_id: str) -> RecordView:
        """Sign the draft into the chain (next seq, previous hash) in one transaction.

        It takes the next sort key too: the list shows it as the newest, and among
        finalized records the sort key keeps the chain's order.
        """
        now = stamp(self._clock())
        with self._engine.begin() as connection:
            row = self._require_draft(connection, record_id, NotADraft)
            record = open_content(self._keys, row)["record"]
            values, _head = self._next_link(connection, record, now, self._chain_head(connection))
            sort_key = next_sort_key(connection)
            connection.execute(UPDATE_FINALIZED, {"record_id": record_id, "sort_key": sort_key, **values})
            connection.execute(INSERT_EVENT, event_row(self._keys, record_id, QUEUED, now))
            thread = self._thread_event(connection, record, now)
            if thread is not None:
                connection.execute(INSERT_EVENT, thread)
        return self.get(record_id)

    def _thread_event(self, connection: Connection, record: dict[str, Any], now: str) -> dict | None:
        """The step a finalized amendment adds to the history of the record it amends: "answered"
        while that one needs information, "amended" otherwise (None: it amends nothing here)."""
        original = record.get("amends")
        if not original:
            return None
        row = connection.execute(_STATE_OF, {"rid": original}).first()
        if row is None or row.state == DRAFT:
            return None
        step = ANSWERED if row.state == NEEDS_INFO else AMENDED
        return event_row(self._keys, original, step, now, by=record["id"])

    def _chain_head(self, connection: Connection) -> ChainHead:
        # BEGIN IMMEDIATE (see database.py) holds the write lock from the transaction's start,
        # so reading the chain head and writing the next link can't interleave with another.
        head = connection.execute(SELECT_CHAIN_HEAD).first()
        if head is None:
            return 0, None
        body = b64decode(open_content(self._keys, head)["body"])
        return json.loads(body)["seq"], sha256_hex(body)

    def _next_link(
        self, connection: Connection, record: dict[str, Any], now: str, head: ChainHead
    ) -> tuple[dict[str, Any], ChainHead]:
        """The column values of `record` signed as the link after `head` (sealed if we can)."""
        record_id = record["id"]
        seq = head[0] + 1
        signed = sign_record(
            {**record, "recorded_at": now},
            device_id=self._keys.device_id,
            seq=seq,
            prev_hash=head[1],
            private_key=self._keys.signing_key,
        )
        server_key = server_seal_key(connection, self._keys)
        envelope = None
        if server_key:
            header = envelope_header(record_id=record_id, device_id=self._keys.device_id, seq=seq)
            envelope = seal_envelope(self._keys, record_id, signed, header, server_key)
        content = {"body": b64encode(signed.body), "signature": b64encode(signed.signature)}
        values = {
            "state": QUEUED,
            "updated_at": seal_column(self._keys, record_id, "updated_at", now),
            "envelope": envelope,
            "content": seal_content(self._keys, record_id, content),
        }
        return values, (seq, signed.hash)

    # --- reading ------------------------------------------------------------------------

    def get(self, record_id: str) -> RecordView:
        """One record with its whole status history and the verifier's latest message."""
        with self._engine.begin() as connection:
            row = _row(connection, record_id)
            if row is None:
                raise UnknownRecord(f"no observation with id {record_id} on this device")
            blobs = connection.execute(SELECT_EVENTS, {"record_id": record_id}).scalars().all()
        history = tuple(open_event(self._keys, record_id, blob) for blob in blobs)
        latest = next((event.message for event in reversed(history) if event.message), None)
        return view_of(self._keys, row, history=history, message=latest)

    def ids_with_prefix(self, prefix: str, *, limit: int) -> list[str]:
        """Up to `limit` ids starting with `prefix` (lowercase hex and dashes), in order."""
        with self._engine.begin() as connection:
            found = connection.execute(
                SELECT_IDS_FROM, {"prefix": prefix, "prefix_end": prefix + "\uffff", "limit": limit}
            )
            return list(found.scalars())

    def page(
        self, states: Iterable[str] | None = None, *, cursor: str | None = None, limit: int = 50
    ) -> Page:
        """Newest first; only this page's rows are decrypted. The cursor is a sort key."""
        limit = max(1, min(limit, MAX_PAGE))
        before = _parse_cursor(cursor)
        with self._engine.begin() as connection:
            rows = list(_newest_first(connection, states, before=before, limit=limit + 1))
        items = [view_of(self._keys, row) for row in rows[:limit]]
        next_cursor = str(rows[limit - 1].sort_key) if len(rows) > limit else None
        return Page(items=items, next_cursor=next_cursor)

    def iter_records(self, states: Iterable[str] | None = None) -> Iterator[RecordView]:
        """Every record (of these states), newest first, from one consistent snapshot.

        A read transaction (WAL: writers go on meanwhile) holds the snapshot, and rows are
        decrypted a few hundred at a time, so memory stays flat however many there are.
        Records added or finalized while this runs are not in it, and none appears twice.
        """
        raw = self._engine.raw_connection()
        try:
            driver = raw.driver_connection
            assert driver is not None  # a pooled connection is open
            driver.execute("BEGIN")  # deferred: a snapshot, not the write lock
            try:
                for row in _snapshot_rows(driver, states):
                    yield view_of(self._keys, row)
            finally:
                driver.execute("COMMIT")
        finally:
            raw.close()

    def counts(self) -> dict[str, int]:
        with self._engine.begin() as connection:
            found = {row.state: row.n for row in connection.execute(SELECT_COUNTS)}
        return {state: found.get(state, 0) for state in STATES}

    # --- helpers ------------------------------------------------------------------------

    def _require_draft(self, connection: Connection, record_id: str, error: type[Exception]) -> Any:
        row = _row(connection, record_id)
        if row is None:
            raise UnknownRecord(f"no observation with id {record_id} on this device")
        if row.state != DRAFT:
            raise error()
        return row


def _row(connection: Connection, record_id: str) -> Any:
    return connection.execute(SELECT_BY_ID, {"record_id": record_id}).first()


def _parse_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        return int(cursor)
    except ValueError:
        raise UnknownRecord("that page of the list no longer exists; start again from the top") from None


def _newest_first(
    connection: Connection, states: Iterable[str] | None, *, before: int | None, limit: int
) -> Iterator[Any]:
    """Rows newest first: one indexed range per state, merged (a single query over several
    states would sort every matching row first)."""

    def one(state: str | None) -> Iterator[Any]:
        query = select(OBS).order_by(OBS.c.sort_key.desc()).limit(limit)
        if state is not None:
            query = query.where(OBS.c.state == state)
        if before is not None:
            query = query.where(OBS.c.sort_key < before)
        return iter(connection.execute(query).all())

    wanted = [None] if states is None else list(dict.fromkeys(states))
    merged = heapq.merge(*(one(state) for state in wanted), key=lambda row: -row.sort_key)
    for count, row in enumerate(merged):
        if count == limit:
            return
        yield row


def _snapshot_rows(driver: Any, states: Iterable[str] | None) -> Iterator[Any]:
    """The same order as `_newest_first`, streamed from the DB-API connection's snapshot."""
    columns = ", ".join(column.name for column in OBS.columns)

    def one(state: str | None) -> Iterator[Any]:
        where = "" if state is None else "WHERE state = ?"
        cursor = driver.execute(
            f"SELECT {columns} FROM observation {where} ORDER BY sort_key DESC",  # noqa: S608 (no input)
            () if state is None else (state,),
        )
        names = [item[0] for item in cursor.description]
        while batch := cursor.fetchmany(SNAPSHOT_FETCH):
            for values in batch:
                yield _Row(zip(names, values, strict=True))

    wanted = [None] if states is None else list(dict.fromkeys(states))
    yield from heapq.merge(*(one(state) for state in wanted), key=lambda row: -row.sort_key)


class _Row(dict):
    """A DB-API row with attribute access, as SQLAlchemy's rows have."""

    __getattr__ = dict.__getitem__


def _without_store_keys(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in STORE_KEYS}
