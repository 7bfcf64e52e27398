"""The local database's tables.

Only what the list needs to sort and filter is in clear (id, kind, state, timestamps,
sequence number); everything else is one AES-GCM blob under the data key, with the row's
id in the associated data so a blob can't be moved to another row.
"""

from sqlalchemy import Column, Index, LargeBinary, Table, text
from sqlmodel import Field, SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table, for bulk statements (INSERT ... ON CONFLICT, executemany)."""
    # SQLModel's metaclass sets `__table__` on every table model; its type hints don't declare it.
    return model.__table__  # type: ignore[attr-defined]


class ObservationRow(SQLModel, table=True):
    """One observation, draft or finalized; `content` is the encrypted payload."""

    __tablename__ = "observation"
    __table_args__ = (
        # The list's newest-first page per state (and across states) reads these in order.
        Index("ix_observation_state_created", "state", "created_at", "id"),
        Index("ix_observation_created", "created_at", "id"),
        # Two finalized records never share a sequence number (NULL for drafts).
        Index("ux_observation_seq", "seq", unique=True, sqlite_where=text("seq IS NOT NULL")),
    )

    id: str = Field(primary_key=True, max_length=36)
    kind: str
    state: str
    created_at: str  # ISO 8601 UTC, fixed width, so text order is time order
    updated_at: str
    seq: int | None = None
    delivery_error: str | None = None  # the server's reason when it rejected the record
    envelope: str | None = None  # sealed JSON as it will be sent (ciphertext to the server)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class StatusEventRow(SQLModel, table=True):
    """One step of an observation's status history; the verifier's message is encrypted."""

    __tablename__ = "status_event"
    __table_args__ = (Index("ix_status_event_record", "record_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(foreign_key="observation.id", ondelete="CASCADE")
    state: str
    at: str
    message: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class MetaRow(SQLModel, table=True):
    """Device settings kept in the database (server URL, credential, keys, cursor), encrypted."""

    __tablename__ = "meta"

    name: str = Field(primary_key=True)
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
