"""The sync engine's view of the store (sync.outbox.Outbox) over the same SQLite file.

Queued records go out in sequence order, read through an index in that order
(ix_observation_sendable); results and review updates are applied in one local
transaction each, and states never move backwards. A delivered record's envelope is
dropped: the server holds it, and the signed body stays in the record's content.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, bindparam, select, text, update

from fieldapp.vault import DeviceKeys
from sync.outbox import OutboxItem
from sync.wire import ItemResult, ReviewUpdate

from .clock import stamp
from .database import make_durable
from .rows import INSERT_EVENT, OBS, envelope_of, event_row, seal_column
from .secret_settings import read_setting, write_setting
from .states import DRAFT, QUEUED, REVIEW_STATES, SENT
from .tables import SENDABLE

DELIVERED = ("accepted", "duplicate")


class SqlOutbox:
    """Implements sync.outbox.Outbox for one unlocked device."""

    def __init__(self, engine: Engine, keys: DeviceKeys, *, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._keys = keys
        self._clock = clock

    def count_queued(self) -> int:
        """Records sealed and waiting to be sent (a record the server refused is not resent blindly)."""
        with self._engine.begin() as connection:
            return connection.execute(_COUNT_SENDABLE).scalar_one()

    def queued(self, *, after: str | None, limit: int) -> list[OutboxItem]:
        if after is None:
            # Records about to leave the device must survive a power cut first (see database.py):
            # a record the server has but the device lost would fork the device's chain.
            make_durable(self._engine)
        with self._engine.begin() as connection:
            after_key = 0
            if after is not None:
                after_key = connection.execute(_SORT_KEY_OF, {"rid": after}).scalar_one_or_none() or 0
            rows = connection.execute(_PAGE_SENDABLE, {"after": after_key, "limit": limit}).all()
        items = []
        for row in rows:
            envelope, size = envelope_of(self._keys, row)
            items.append(OutboxItem(record_id=row.id, envelope=envelope, size=size))
        return items

    def mark_results(self, results: list[ItemResult]) -> None:
        # Set-based (one SELECT, then executemany) so a batch of hundreds costs a few statements.
        now = stamp(self._clock())
        keys = self._keys
        delivered = [r.record_id for r in results if r.status in DELIVERED]
        refused = [
            {
                "rid": r.record_id,
                "why": seal_column(keys, r.record_id, "delivery_error", r.reason or "rejected by the server"),
                "now": seal_column(keys, r.record_id, "updated_at", now),
            }
            for r in results
            if r.status not in DELIVERED
        ]
        with self._engine.begin() as connection:
            moving = set()
            if delivered:
                moving = {
                    row.id
                    for row in connection.execute(_STATES_OF, {"ids": delivered})
                    if row.state == QUEUED
                }
            if moving:
                ordered = [rid for rid in dict.fromkeys(delivered) if rid in moving]
                connection.execute(
                    _MARK_SENT,
                    [{"rid": rid, "now": seal_column(keys, rid, "updated_at", now)} for rid in ordered],
                )
                connection.execute(INSERT_EVENT, [event_row(keys, rid, SENT, now) for rid in ordered])
            if refused:
                connection.execute(_MARK_REFUSED, refused)

    def update_cursor(self) -> int:
        with self._engine.begin() as connection:
            return int(read_setting(connection, self._keys, "update_cursor", 0))

    def apply_updates(self, updates: list[ReviewUpdate], cursor: int) -> None:
        now = stamp(self._clock())
        keys = self._keys
        # Review states come from the server in cursor order; the last one wins (executemany
        # keeps the order). A queued record the server has reviewed was evidently delivered.
        wanted = [item for item in updates if item.state in REVIEW_STATES]
        with self._engine.begin() as connection:
            known = set()
            if wanted:
                ids = list({item.record_id for item in wanted})
                known = {row.id for row in connection.execute(_STATES_OF, {"ids": ids}) if row.state != DRAFT}
            applied = [item for item in wanted if item.record_id in known]
            if applied:
                connection.execute(
                    _SET_REVIEW_STATE,
                    [
                        {
                            "rid": i.record_id,
                            "new_state": i.state,
                            "now": seal_column(keys, i.record_id, "updated_at", now),
                        }
                        for i in applied
                    ],
                )
                connection.execute(INSERT_EVENT, [self._event(item, now) for item in applied])
            write_setting(connection, keys, "update_cursor", int(cursor))

    def _event(self, item: ReviewUpdate, now: str) -> dict:
        """A status-history row for a review update (with the verifier's message)."""
        at = stamp(item.changed_at) if item.changed_at.tzinfo else now
        return event_row(self._keys, item.record_id, item.state, at, item.message)


# The index is named, not left to the planner: without statistics SQLite picks the
# (state, sort_key) index and reads every queued row to test its envelope (measured: 7.8 ms a
# count at 5,000 queued). INDEXED BY also turns a statement that can't use it into an error.
SENDABLE_INDEX = "INDEXED BY ix_observation_sendable"
_COUNT_SENDABLE = text(f"SELECT count(*) FROM observation {SENDABLE_INDEX} WHERE {SENDABLE}")  # noqa: S608 (constants)
_SORT_KEY_OF = select(OBS.c.sort_key).where(OBS.c.id == bindparam("rid"))
_PAGE_SENDABLE = text(
    f"SELECT id, envelope FROM observation {SENDABLE_INDEX} WHERE {SENDABLE} AND sort_key > :after "  # noqa: S608
    "ORDER BY sort_key LIMIT :limit"
)
# By primary key alone, the states tested in Python: with `AND state = 'queued'` and hundreds
# of ids, SQLite (no statistics) preferred the state index and read every queued row per batch
# (mark_results: 78 µs a record at 10k queued, 570 at 100k).
_STATES_OF = select(OBS.c.id, OBS.c.state).where(OBS.c.id.in_(bindparam("ids", expanding=True)))
# Delivered: the server holds the envelope now, so the device drops its copy.
_MARK_SENT = (
    update(OBS)
    .where(OBS.c.id == bindparam("rid"), OBS.c.state == QUEUED)
    .values(state=SENT, delivery_error=None, envelope=None, updated_at=bindparam("now"))
)
_MARK_REFUSED = (
    update(OBS)
    .where(OBS.c.id == bindparam("rid"), OBS.c.state == QUEUED)
    .values(delivery_error=bindparam("why"), updated_at=bindparam("now"))
)
_SET_REVIEW_STATE = (
    update(OBS)
    .where(OBS.c.id == bindparam("rid"), OBS.c.state != DRAFT)
    .values(state=bindparam("new_state"), delivery_error=None, envelope=None, updated_at=bindparam("now"))
)
