"""What the transparency-log audit (sync.log_audit) needs from the device's store.

Delivered records are read in record-id order (the id is one of the few columns in clear);
their body hashes come from the exact signed bytes inside the encrypted content. What the
audit keeps (the last good tree head, the rotating cursor, alarms) is one encrypted setting.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select

from fieldapp.vault import DeviceKeys
from sync.canonical import sha256_hex
from sync.crypto import b64decode
from sync.log_audit import DeliveredRecord

from .codec import observation_aad, open_json
from .observations import OBS
from .secret_settings import read_setting, write_setting
from .states import REVIEW_STATES, SENT

DELIVERED_STATES = (SENT, *REVIEW_STATES)
SETTING = "log_audit"


class SqlAuditStore:
    """Implements sync.log_audit.AuditStore for one unlocked device."""

    def __init__(self, engine: Engine, keys: DeviceKeys) -> None:
        self._engine = engine
        self._keys = keys

    def delivered_records(self, *, after: str | None, limit: int) -> list[DeliveredRecord]:
        query = select(OBS.c.id, OBS.c.content).where(OBS.c.state.in_(DELIVERED_STATES))
        if after is not None:
            query = query.where(OBS.c.id > after)
        with self._engine.begin() as connection:
            rows = connection.execute(query.order_by(OBS.c.id).limit(limit)).all()
        return [DeliveredRecord(row.id, self._body_hash(row)) for row in rows]

    def delivered_hashes(self, record_ids: Sequence[str]) -> dict[str, str]:
        if not record_ids:
            return {}
        query = select(OBS.c.id, OBS.c.content).where(
            OBS.c.state.in_(DELIVERED_STATES), OBS.c.id.in_(sorted(set(record_ids)))
        )
        with self._engine.begin() as connection:
            return {row.id: self._body_hash(row) for row in connection.execute(query)}

    def log_audit_state(self) -> dict[str, Any]:
        with self._engine.begin() as connection:
            return dict(read_setting(connection, self._keys, SETTING, {}) or {})

    def save_log_audit_state(self, state: dict[str, Any]) -> None:
        with self._engine.begin() as connection:
            write_setting(connection, self._keys, SETTING, state)

    def _body_hash(self, row: Any) -> str:
        content = open_json(self._keys, row.content, observation_aad(row.id))
        return sha256_hex(b64decode(content["body"]))
