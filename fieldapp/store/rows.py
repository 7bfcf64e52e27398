"""Rows in and out: the encrypted columns of an observation and of a status step, the sort
key counter, and the statements several parts of the store share.

Each encrypted column has its own associated data (the record id and the column's name),
so a value moved to another row or another column fails with the one opaque error.
"""

import json
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from fieldapp.vault import DeviceKeys
from sync.crypto import b64decode

from .codec import column_aad, observation_aad, open_json, open_text, seal_json, seal_text, status_event_aad
from .tables import ObservationRow, StatusEventRow, table_of
from .views import RecordView, StatusEvent

OBS = table_of(ObservationRow)
EVENTS = table_of(StatusEventRow)

INSERT_OBSERVATION = insert(OBS)
INSERT_EVENT = insert(EVENTS)
SELECT_LAST_SORT_KEY = select(func.max(OBS.c.sort_key))
UPDATE_DRAFT = (
    update(OBS)
    .where(OBS.c.id == bindparam("rid"))
    .values(updated_at=bindparam("updated"), content=bindparam("sealed_content"))
)


def next_sort_key(connection: Connection) -> int:
    """The next value of the list's order (the unique index answers max() at once)."""
    return (connection.execute(SELECT_LAST_SORT_KEY).scalar_one() or 0) + 1


def seal_column(keys: DeviceKeys, record_id: str, column: str, text: str | None) -> bytes | None:
    return None if text is None else seal_text(keys, text, column_aad(record_id, column))


def open_column(keys: DeviceKeys, record_id: str, column: str, blob: bytes | None) -> str | None:
    return None if blob is None else open_text(keys, blob, column_aad(record_id, column))


def seal_content(keys: DeviceKeys, record_id: str, content: dict[str, Any]) -> bytes:
    return seal_json(keys, content, observation_aad(record_id))


def open_content(keys: DeviceKeys, row: Any) -> dict[str, Any]:
    return open_json(keys, row.content, observation_aad(row.id))


def event_row(
    keys: DeviceKeys, record_id: str, state: str, at: str, message: str | None = None, *, by: str | None = None
) -> dict:
    """A status-history row: the state, its time and the verifier's words (or, for an answer
    or an amendment, the record that made it), all encrypted."""
    event: dict[str, Any] = {"state": state, "at": at, "message": message}
    if by is not None:
        event["by"] = by
    return {"record_id": record_id, "event": seal_json(keys, event, status_event_aad(record_id))}


def open_event(keys: DeviceKeys, record_id: str, blob: bytes) -> StatusEvent:
    event = open_json(keys, blob, status_event_aad(record_id))
    return StatusEvent(state=event["state"], at=event["at"], message=event["message"], by=event.get("by"))


def write_draft(connection: Connection, keys: DeviceKeys, record_id: str, record: dict, now: str) -> None:
    """Replace a draft's content (the caller checked it is a draft)."""
    connection.execute(
        UPDATE_DRAFT,
        {
            "rid": record_id,
            "updated": seal_column(keys, record_id, "updated_at", now),
            "sealed_content": seal_content(keys, record_id, {"record": record}),
        },
    )


def envelope_of(keys: DeviceKeys, row: Any) -> tuple[dict[str, Any], int]:
    """A queued row's sealed envelope as it will be sent, and the size of its JSON."""
    text = open_column(keys, row.id, "envelope", row.envelope) or "null"
    return json.loads(text), len(text.encode())


def view_of(
    keys: DeviceKeys, row: Any, *, history: tuple[StatusEvent, ...] = (), message: str | None = None
) -> RecordView:
    """What the app sees of a row: its content, times and refusal decrypted."""
    content = open_content(keys, row)
    common: dict[str, Any] = {
        "id": row.id,
        "state": row.state,
        "created_at": open_column(keys, row.id, "created_at", row.created_at),
        "updated_at": open_column(keys, row.id, "updated_at", row.updated_at),
        "delivery_error": open_column(keys, row.id, "delivery_error", row.delivery_error),
        "sealed": row.envelope is not None,
        "history": history,
        "message": message,
    }
    if "body" in content:
        body = b64decode(content["body"])
        return RecordView.from_signed_body(body, signature=content["signature"], **common)
    return RecordView(kind=content["record"]["kind"], record=content["record"], **common)
