"""The local database's tables (schema 3).

In clear only what the unlock screen and the page order need: a record's id, its state and
an opaque sort key (a counter, no time in it). Everything else is AES-GCM under the data key
with the row's id (and the column's name) in the associated data, so a value can't be moved
to another row or column: the content, the kind inside it, the created/updated times, the
server's refusal, the sealed envelope, and each status step (state, time, message).
"""

from sqlalchemy import Column, Index, LargeBinary, Table, text
from sqlmodel import Field, SQLModel

# The outbox's rows: queued, sealed, not refused. Written literally (no bound parameter)
# so SQLite can tell that a query with this condition may use the partial index below.
SENDABLE = "state = 'queued' AND envelope IS NOT NULL AND delivery_error IS NULL"


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table, for bulk statements (INSERT ... ON CONFLICT, executemany)."""
    # SQLModel's metaclass sets `__table__` on every table model; its type hints don't declare it.
    return model.__table__  # type: ignore[attr-defined]


class ObservationRow(SQLModel, table=True):
    """One observation, draft or finalized; every column but id, state and sort_key is encrypted."""

    __tablename__ = "observation"
    __table_args__ = (
        # The list, newest first, across states (and the chain's head, the newest finalized).
        Index("ux_observation_sort", "sort_key", unique=True),
        # One tab's page: one state, newest first.
        Index("ix_observation_state_sort", "state", "sort_key"),
        # The outbox in send order, and its count, without reading the table.
        Index("ix_observation_sendable", "sort_key", sqlite_where=text(SENDABLE)),
    )

    id: str = Field(primary_key=True, max_length=36)
    state: str
    # Taken from a counter when a record is saved and again when it is finalized, so among
    # finalized records it rises with the chain's sequence number (the outbox's order).
    sort_key: int
    created_at: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    delivery_error: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    envelope: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class StatusEventRow(SQLModel, table=True):
    """One step of an observation's status history: {state, at, message}, encrypted."""

    __tablename__ = "status_event"
    __table_args__ = (Index("ix_status_event_record", "record_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(foreign_key="observation.id", ondelete="CASCADE")
    event: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class StateCountRow(SQLModel, table=True):
    """How many observations are in each state, kept by triggers (database.py) as rows change."""

    __tablename__ = "state_count"

    state: str = Field(primary_key=True)
    n: int = 0


class MetaRow(SQLModel, table=True):
    """Device settings kept in the database (server URL, credential, keys, cursor), encrypted."""

    __tablename__ = "meta"

    name: str = Field(primary_key=True)
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
