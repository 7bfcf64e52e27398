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


def status_message_aad(record_id: str, at: str) -> bytes:
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
