"""The observer's local store: one encrypted SQLite file (SQLModel), its outbox and settings."""

from .database import DATABASE_FILE, SCHEMA_VERSION, database_path, open_database
from .errors import (
    DamagedRecord,
    DatabaseTooNew,
    DuplicateRecord,
    NotADraft,
    NotEditable,
    StoreError,
    UnknownRecord,
)
from .observations import ObservationStore
from .outbox import SqlOutbox
from .sealing import seal_queued, store_server
from .secret_settings import SecretSettings
from .states import DRAFT, FINALIZED_STATES, QUEUED, REVIEW_STATES, SENT, STATES
from .views import Page, RecordView, StatusEvent

__all__ = [
    "DATABASE_FILE",
    "DRAFT",
    "FINALIZED_STATES",
    "QUEUED",
    "REVIEW_STATES",
    "SCHEMA_VERSION",
    "SENT",
    "STATES",
    "DamagedRecord",
    "DatabaseTooNew",
    "DuplicateRecord",
    "NotADraft",
    "NotEditable",
    "ObservationStore",
    "Page",
    "RecordView",
    "SecretSettings",
    "SqlOutbox",
    "StatusEvent",
    "StoreError",
    "UnknownRecord",
    "database_path",
    "open_database",
    "seal_queued",
    "store_server",
]
