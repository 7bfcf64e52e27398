"""Database tables (SQLModel). One table model per entity; API shapes live in schemas.py.

Timestamps are stored as naive UTC (portable between SQLite and PostgreSQL) and come
back aware (UTC) through `UTCDateTime`. The schema itself is made by the Alembic
migrations in server/migrations; keep both in step.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .clock import as_utc


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC in Python, naive UTC in the database."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else as_utc(value)


def table_of(model: type[SQLModel]) -> sa.Table:
    """A table model's Core table, for bulk statements (INSERT ... ON CONFLICT, executemany)."""
    # SQLModel's metaclass sets `__table__` on every table model; its type hints don't declare it.
    return model.__table__  # type: ignore[attr-defined]


def _when(*, nullable: bool = False, index: bool = False):
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


# An enrolled observer device: its public key and its bearer credential's hash.
class Device(SQLModel, table=True):
    __tablename__ = "devices"
    id: str = Field(primary_key=True, max_length=32)
    public_key: str = Field(max_length=64)  # base64 Ed25519 public key
    label: str | None = Field(default=None, max_length=100)
    enrolled_at: datetime = _when()
    revoked_at: datetime | None = _when(nullable=True)
    last_seen_at: datetime | None = _when(nullable=True)
    last_seq: int = Field(default=0)
    credential_hash: str = Field(max_length=64, unique=True, index=True)


# A one-time enrolment code an administrator handed out (only its hash is kept).
class EnrollmentCode(SQLModel, table=True):
    __tablename__ = "enrollment_codes"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True, index=True)
    label: str | None = Field(default=None, max_length=100)
    created_at: datetime = _when()
    expires_at: datetime = _when()
    used_at: datetime | None = _when(nullable=True)
    used_by_device: str | None = Field(default=None, max_length=32)


# A received report: the signed bytes exactly as sent, plus columns the queue filters on.
class Report(SQLModel, table=True):
    __tablename__ = "reports"
    __table_args__ = (
        # The queue's order (covering: a page is read from the index), alone and after state.
        sa.Index("ix_reports_queue", "received_at", "device_id", "seq", "record_id"),
        sa.Index("ix_reports_state_queue", "state", "received_at", "device_id", "seq", "record_id"),
        sa.Index("ix_reports_device_seq", "device_id", "seq"),
        sa.Index("ix_reports_device_prev", "device_id", "prev_hash"),
        # Corroboration's prefilter: the time window, then the box and kinds inside the index.
        sa.Index("ix_reports_nearby", "observed_at", "lat", "lon", "kind", "device_id", "record_id"),
    )
    record_id: str = Field(primary_key=True, max_length=36)
    device_id: str = Field(max_length=32)
    seq: int
    body: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    body_hash: str = Field(max_length=64)
    signature: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    prev_hash: str | None = Field(default=None, max_length=64)
    kind: str = Field(max_length=40)
    observed_at: datetime = _when()
    recorded_at: datetime | None = _when(nullable=True)
    lat: float
    lon: float
    # "12 km NE of Sirte" from the gazetteer (server/location_description.py), set at ingest;
    # None when no place is near
    location_description: str | None = Field(default=None, max_length=200)
    received_at: datetime = _when()
    state: str = Field(default="received", max_length=20)
    chain_status: str = Field(default="ok", max_length=10)  # ok | gap | broken | fork
    amends: str | None = Field(default=None, max_length=36, index=True)
    # set when the record it amends arrived later and is another device's, or not earlier
    amends_invalid: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false())
    )


# Reports per (device, kind, state, chain status), kept by triggers on `reports` (migration
# 0005): the queue's counts and the devices list read these instead of scanning reports.
class ReportTally(SQLModel, table=True):
    __tablename__ = "report_tallies"
    __table_args__ = {"sqlite_with_rowid": False}  # rows in the key's B-tree (migration 0010)
    device_id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=40)
    state: str = Field(primary_key=True, max_length=20)
    chain_status: str = Field(primary_key=True, max_length=10)
    n: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))


# Every `details_*` column some stored report has (server/detail_columns.py): the CSV header.
class ReportDetailColumn(SQLModel, table=True):
    __tablename__ = "report_detail_columns"
    name: str = Field(primary_key=True, max_length=200)


# Another signed version of a stored record (same id, same device, other bytes): refused at
# ingest as a conflict, kept as the evidence of a fork (server/chain_evidence.py).
class RecordVersion(SQLModel, table=True):
    __tablename__ = "record_versions"
    __table_args__ = (sa.UniqueConstraint("record_id", "body_hash", name="uq_record_versions_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(max_length=36, index=True)
    device_id: str = Field(max_length=32)
    seq: int
    body: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    body_hash: str = Field(max_length=64)
    signature: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    received_at: datetime = _when()


# One review decision in the append-only audit trail (never updated or deleted).
class ReviewEvent(SQLModel, table=True):
    __tablename__ = "review_events"
    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(max_length=36, index=True)
    actor: str = Field(max_length=64)
    at: datetime = _when()
    from_state: str = Field(max_length=20)
    to_state: str = Field(max_length=20)
    reason: str | None = Field(default=None)


# The change log devices pull: the autoincrement id is the updates cursor.
class DeviceUpdate(SQLModel, table=True):
    __tablename__ = "device_updates"
    __table_args__ = (sa.Index("ix_device_updates_device_cursor", "device_id", "cursor"),)
    cursor: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(max_length=32)
    record_id: str = Field(max_length=36)
    state: str = Field(max_length=20)
    message: str | None = Field(default=None)
    changed_at: datetime = _when()


# A verifier or administrator account.
class User(SQLModel, table=True):
    __tablename__ = "users"
    username: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=20)  # verifier | admin
    password_hash: str = Field(max_length=255)
    disabled: bool = Field(default=False)
    created_at: datetime = _when()


# A signed-in user's bearer token (only its hash is kept) and when it expires.
class UserSession(SQLModel, table=True):
    __tablename__ = "user_sessions"
    token_hash: str = Field(primary_key=True, max_length=64)
    username: str = Field(max_length=64, index=True)
    created_at: datetime = _when()
    expires_at: datetime = _when()


# Failed sign-ins counted for one account name (known or not) or one client address.
class LoginThrottle(SQLModel, table=True):
    __tablename__ = "login_throttle"
    scope: str = Field(primary_key=True, max_length=10)  # account | address
    key: str = Field(primary_key=True, max_length=64)
    failures: int = Field(default=0)
    last_failure_at: datetime = _when(index=True)
    locked_until: datetime | None = _when(nullable=True)


# One sign-in event in the append-only login audit (never updated or deleted).
class LoginEvent(SQLModel, table=True):
    __tablename__ = "login_events"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when()
    username: str = Field(max_length=64, index=True)  # as typed: the account may not exist
    address: str = Field(max_length=64)
    outcome: str = Field(max_length=10)  # ok | failed | unlocked
    locked_until: datetime | None = _when(nullable=True)  # the lock this failure started
    actor: str | None = Field(default=None, max_length=64)  # the administrator who unlocked


# Who is working on a report right now, until when.
class ReviewLock(SQLModel, table=True):
    __tablename__ = "review_locks"
    record_id: str = Field(primary_key=True, max_length=36)
    username: str = Field(max_length=64)
    taken_at: datetime = _when()
    expires_at: datetime = _when()


# A photo a report lists (by the SHA-256 signed in it) and how much of it has arrived.
class ReportAttachment(SQLModel, table=True):
    __tablename__ = "attachments"
    record_id: str = Field(primary_key=True, max_length=36)
    sha256: str = Field(primary_key=True, max_length=64)
    device_id: str = Field(max_length=32, index=True)
    size: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))  # as signed
    mime: str = Field(max_length=40)
    received: int = Field(default=0, sa_column=sa.Column(sa.BigInteger(), nullable=False))
    complete: bool = Field(default=False)
    started_at: datetime = _when()
    completed_at: datetime | None = _when(nullable=True)


# A console download ticket (server/console/downloads.py): single use, for a minute. Only the
# ticket's hash and its sealed payload are stored; the payload (which file, and the session
# token to ask the API with) is AES-GCM under a key derived from the ticket itself, so the
# database alone can't be turned into a download.
class DownloadTicket(SQLModel, table=True):
    __tablename__ = "download_tickets"
    ticket_hash: str = Field(primary_key=True, max_length=64)
    sealed: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    expires_at: datetime = _when(index=True)
