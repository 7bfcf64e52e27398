"""Encrypting the store's payloads: JSON under the data key, bound to where it lives.

Each payload's associated data names its place (schema version, table, row), so a
ciphertext copied to another row fails to decrypt, with the one opaque error.
"""

import json
from typing import Any

from fieldapp.vault import DeviceKeys
from sync.errors import DecryptionError

from .errors import DamagedRecord

SCHEMA_TAG = "fieldapp/v1"


def observation_aad(record_id: str) -> bytes:
    return f"{SCHEMA_TAG}/observation/{record_id}".encode()


def column_aad(record_id: str, column: str) -> bytes:
    """One of a row's encrypted columns (created_at, updated_at, delivery_error, envelope)."""
    return f"{SCHEMA_TAG}/observation/{record_id}/{column}".encode()


def status_event_aad(record_id: str) -> bytes:
    return f"{SCHEMA_TAG}/status-event/{record_id}".encode()


def status_message_aad(record_id: str, at: str) -> bytes:
    """Schema 2's status messages (the state and time were in clear); read by the migration."""
    return f"{SCHEMA_TAG}/status-message/{record_id}/{at}".encode()


def setting_aad(name: str) -> bytes:
    return f"{SCHEMA_TAG}/setting/{name}".encode()


def seal_json(keys: DeviceKeys, value: Any, aad: bytes) -> bytes:
    return keys.encrypt(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(), aad)


def open_json(keys: DeviceKeys, blob: bytes, aad: bytes) -> Any:
    try:
        return json.loads(keys.decrypt(blob, aad))
    except DecryptionError as exc:
        raise DamagedRecord() from exc


def seal_text(keys: DeviceKeys, text: str, aad: bytes) -> bytes:
    return keys.encrypt(text.encode("utf-8"), aad)


def open_text(keys: DeviceKeys, blob: bytes, aad: bytes) -> str:
    try:
        return keys.decrypt(blob, aad).decode("utf-8")
    except (DecryptionError, UnicodeDecodeError) as exc:
        raise DamagedRecord() from exc
