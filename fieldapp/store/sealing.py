"""Sealing queued records to the server's key, and changing servers.

An envelope is sealed to one server's X25519 key, then kept encrypted under the data key
(its header names the record's sequence number). When the device enrols with a server
whose seal key differs, every queued record's envelope is dropped in the same transaction
that stores the new key, with the old server's refusals: the next `seal_queued` seals them
all to the new key. The signed bodies never change. A crash in between leaves records
without an envelope, which the next sync seals first, so none is stranded.
"""

import json
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update

from fieldapp.vault import DeviceKeys
from sync.crypto import b64decode
from sync.records import SignedRecord, envelope_header, seal_record

from .codec import column_aad, seal_text
from .rows import OBS, open_content
from .secret_settings import read_setting, write_setting
from .states import QUEUED

SEAL_KEY_SETTING = "server_seal_key"
SELECT_UNSEALED = (
    select(OBS.c.id, OBS.c.content)
    .where(OBS.c.state == QUEUED, OBS.c.envelope.is_(None))
    .order_by(OBS.c.sort_key)
)
SET_ENVELOPE = update(OBS).where(OBS.c.id == bindparam("rid")).values(envelope=bindparam("sealed"))
FORGET_ENVELOPES = update(OBS).where(OBS.c.state == QUEUED).values(envelope=None, delivery_error=None)


def server_seal_key(connection: Connection, keys: DeviceKeys) -> bytes | None:
    stored = read_setting(connection, keys, SEAL_KEY_SETTING)
    return b64decode(stored) if stored else None


def seal_envelope(
    keys: DeviceKeys, record_id: str, signed: SignedRecord, header: dict[str, Any], server_key: bytes
) -> bytes:
    """The wire envelope of a signed record, sealed to the server, kept encrypted at rest."""
    envelope = json.dumps(seal_record(signed, header, server_key), separators=(",", ":"))
    return seal_text(keys, envelope, column_aad(record_id, "envelope"))


def seal_queued(engine: Engine, keys: DeviceKeys) -> int:
    """Seal every queued record that has no envelope yet to the stored server key; returns
    how many were sealed (0 before enrolment)."""
    sealed = 0
    with engine.begin() as connection:
        server_key = server_seal_key(connection, keys)
        if server_key is None:
            return 0
        for row in connection.execute(SELECT_UNSEALED).all():
            body, seq = _signed(keys, row)
            header = envelope_header(record_id=row.id, device_id=keys.device_id, seq=seq)
            envelope = seal_envelope(keys, row.id, body, header, server_key)
            connection.execute(SET_ENVELOPE, {"rid": row.id, "sealed": envelope})
            sealed += 1
    return sealed


def store_server(engine: Engine, keys: DeviceKeys, settings: dict[str, Any]) -> bool:
    """Store an enrolment's settings in one transaction; True when the seal key changed,
    in which case every queued record waits to be sealed again (see the module's note)."""
    with engine.begin() as connection:
        before = read_setting(connection, keys, SEAL_KEY_SETTING)
        for name, value in settings.items():
            write_setting(connection, keys, name, value)
        changed = SEAL_KEY_SETTING in settings and settings[SEAL_KEY_SETTING] != before
        if changed:
            connection.execute(FORGET_ENVELOPES)
    return changed


def _signed(keys: DeviceKeys, row: Any) -> tuple[SignedRecord, int]:
    content = open_content(keys, row)
    body = b64decode(content["body"])
    return SignedRecord(body=body, signature=b64decode(content["signature"])), json.loads(body)["seq"]
