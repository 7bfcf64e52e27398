"""Upgrading a database written by an earlier release to schema 3, at its first unlock.

Schema 2 kept each record's kind, created/updated times, sequence number, the server's
refusal and the sealed envelope in clear, and each status step's state and time. Schema 3
keeps only id, state and a sort key in clear (tables.py). The upgrade runs in one
transaction (a crash leaves schema 2 whole, and the next unlock starts again); the dropped
tables' pages are zeroed (secure_delete), the file is rewritten (VACUUM) and the WAL emptied,
so no page of the old clear columns stays in the file.

Sort keys: drafts in the order they were made, finalized records in chain order, the two
merged by time (a finalized record at the moment it was finalized), so the list reads as it
will from now on and the chain's head is the finalized record with the highest key.
"""

import contextlib
import heapq
import json
import sqlite3
from collections.abc import Iterator
from itertools import count
from typing import Any

from sqlalchemy import Connection, Engine, insert

from fieldapp.vault import DeviceKeys
from sync.crypto import b64decode

from .attachments.table import AttachmentRow
from .codec import open_json, status_message_aad
from .database import SCHEMA_VERSION, create_tables
from .rows import EVENTS, OBS, event_row, open_content, seal_column
from .states import DRAFT, QUEUED
from .tables import ObservationRow, StateCountRow, StatusEventRow

CHUNK = 500
OLD_INDEXES = (
    "ix_observation_state_created",
    "ix_observation_created",
    "ux_observation_seq",
    "ix_status_event_record",
)


def upgrade(engine: Engine, keys: DeviceKeys, version: int) -> None:
    """From schema 1 or 2 to 3 (see the module's note)."""
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None  # a pooled connection is open
        # The old tables are renamed aside: without these, SQLite would rewrite the photos'
        # foreign key to follow the rename, then refuse to drop the table it points at.
        driver.execute("PRAGMA foreign_keys = OFF")
        driver.execute("PRAGMA legacy_alter_table = ON")
        try:
            with connection.begin():
                if version == 1:  # a release without photos: add their table
                    create_tables(connection, (AttachmentRow,))
                for index in OLD_INDEXES:
                    connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")
                connection.exec_driver_sql("ALTER TABLE observation RENAME TO observation_v2")
                connection.exec_driver_sql("ALTER TABLE status_event RENAME TO status_event_v2")
                create_tables(connection, (ObservationRow, StatusEventRow, StateCountRow))
                _copy_in_chunks(connection, OBS, _observations(connection, keys))
                _copy_in_chunks(connection, EVENTS, _events(connection, keys))
                connection.exec_driver_sql("DROP TABLE status_event_v2")
                connection.exec_driver_sql("DROP TABLE observation_v2")
                if connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("the upgraded database breaks a foreign key")
                connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            driver.execute("PRAGMA legacy_alter_table = OFF")
            driver.execute("PRAGMA foreign_keys = ON")
        # secure_delete (database.py) already zeroed the dropped tables' pages; VACUUM also
        # writes a new, smaller file. It needs free space the size of the database: where
        # that is lacking, the upgrade stands without it.
        with contextlib.suppress(sqlite3.OperationalError):
            driver.execute("VACUUM")
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def _copy_in_chunks(connection: Connection, table: Any, rows: Iterator[dict[str, Any]]) -> None:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            connection.execute(insert(table), chunk)
            chunk = []
    if chunk:
        connection.execute(insert(table), chunk)


def _observations(connection: Connection, keys: DeviceKeys) -> Iterator[dict[str, Any]]:
    """Schema 3 rows, in sort-key order, streamed from the schema 2 table."""
    drafts = (
        (row.created_at, row)
        for row in connection.exec_driver_sql(
            "SELECT * FROM observation_v2 WHERE state = ? ORDER BY created_at, id", (DRAFT,)
        )
    )
    finalized = (
        (_finalized_at(keys, row), row)
        for row in connection.exec_driver_sql(
            "SELECT * FROM observation_v2 WHERE state != ? ORDER BY seq", (DRAFT,)
        )
    )
    keys_from = count(1)
    for _moment, row in heapq.merge(drafts, finalized, key=lambda pair: pair[0]):
        yield {
            "id": row.id,
            "state": row.state,
            "sort_key": next(keys_from),
            "created_at": seal_column(keys, row.id, "created_at", row.created_at),
            "updated_at": seal_column(keys, row.id, "updated_at", row.updated_at),
            "delivery_error": seal_column(keys, row.id, "delivery_error", row.delivery_error),
            # a delivered record's envelope is not kept (the server has it)
            "envelope": seal_column(keys, row.id, "envelope", row.envelope if row.state == QUEUED else None),
            "content": row.content,  # same associated data in both schemas
        }


def _finalized_at(keys: DeviceKeys, row: Any) -> str:
    """When a finalized record was signed (`recorded_at`, inside its signed body)."""
    return json.loads(b64decode(open_content(keys, row)["body"]))["recorded_at"]


def _events(connection: Connection, keys: DeviceKeys) -> Iterator[dict[str, Any]]:
    for row in connection.exec_driver_sql("SELECT * FROM status_event_v2 ORDER BY id"):
        message = None
        if row.message is not None:
            message = open_json(keys, row.message, status_message_aad(row.record_id, row.at))
        yield {"id": row.id, **event_row(keys, row.record_id, row.state, row.at, message)}
