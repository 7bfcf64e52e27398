"""The transparency log's tables (SQLModel); the schema is made by the `transparency_log` migration.

`log_leaves` and `log_nodes` are append-only (database triggers refuse UPDATE and DELETE);
`log_head` is the one row every append locks and moves forward.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ..models import UTCDateTime

# Perfect subtrees at this level and above are stored; below it they are hashed from the
# leaves of one 256-leaf block when a proof needs them (a few hundred SHA-256 at most).
NODE_STORE_LEVEL = 8


# One leaf of the log: its exact bytes (sync.log_protocol), its hash, and what it is about.
class LogLeaf(SQLModel, table=True):
    __tablename__ = "log_leaves"
    __table_args__ = (
        sa.Index(
            "ux_log_leaves_record",
            "record_id",
            unique=True,
            sqlite_where=sa.text("leaf_type = 'record'"),
            postgresql_where=sa.text("leaf_type = 'record'"),
        ),
    )
    leaf_index: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False))
    leaf_type: str = Field(max_length=10)  # record | decision
    record_id: str = Field(max_length=36, index=True)
    event_id: int | None = Field(default=None, unique=True)  # review_events.id of a decision
    leaf_hash: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    leaf: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))


# A stored perfect subtree hash (level ≥ NODE_STORE_LEVEL), so proofs never rehash the tree.
class LogNode(SQLModel, table=True):
    __tablename__ = "log_nodes"
    level: int = Field(primary_key=True)
    node_index: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False))
    hash: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))


# The log's current size and frontier (the hashes of its compact range): the root in O(1),
# and the row each append locks, so appends from several processes take turns.
class LogHead(SQLModel, table=True):
    __tablename__ = "log_head"
    id: int = Field(primary_key=True)
    tree_size: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    frontier: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    updated_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))


# An alarm a device raised after auditing the log, with the signed heads it holds as evidence.
class LogAlarmRow(SQLModel, table=True):
    __tablename__ = "log_alarms"
    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(max_length=32, index=True)
    received_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    detected_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    reason: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    record_id: str | None = Field(default=None, max_length=36)
    kept_head: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))  # JSON
    seen_head: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))  # JSON
    heads_signed_by_server: bool = Field(default=False)
