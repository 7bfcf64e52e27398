"""Device settings kept encrypted in the database's meta table.

Names in use: server_url, device_credential, server_seal_key (base64), server_sign_key
(base64), update_cursor (int), log_audit (what the log audit keeps: sync.log_audit).
Values are JSON, each encrypted under the data key with its name in the associated data.
"""

from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select

from fieldapp.vault import DeviceKeys

from .codec import open_json, seal_json, setting_aad
from .tables import MetaRow, table_of

META = table_of(MetaRow)
SETTING_PREFIX = "setting:"
SELECT_VALUE = select(META.c.value).where(META.c.name == bindparam("name"))


def read_setting(connection: Connection, keys: DeviceKeys, name: str, default: Any = None) -> Any:
    blob = connection.execute(SELECT_VALUE, {"name": SETTING_PREFIX + name}).scalar_one_or_none()
    return default if blob is None else open_json(keys, blob, setting_aad(name))


def write_setting(connection: Connection, keys: DeviceKeys, name: str, value: Any) -> None:
    """Store `value` under `name`; None deletes it."""
    connection.execute(delete(META).where(META.c.name == SETTING_PREFIX + name))
    if value is not None:
        connection.execute(
            insert(META).values(name=SETTING_PREFIX + name, value=seal_json(keys, value, setting_aad(name)))
        )


class SecretSettings:
    """Encrypted device settings for the services and the sync helper."""

    def __init__(self, engine: Engine, keys: DeviceKeys) -> None:
        self._engine = engine
        self._keys = keys

    def get(self, name: str, default: Any = None) -> Any:
        with self._engine.begin() as connection:
            return read_setting(connection, self._keys, name, default)

    def set(self, **values: Any) -> None:
        """Store several settings in one transaction; a None value deletes that setting."""
        with self._engine.begin() as connection:
            for name, value in values.items():
                write_setting(connection, self._keys, name, value)

    def all(self) -> dict[str, Any]:
        with self._engine.begin() as connection:
            names = connection.execute(
                select(META.c.name).where(META.c.name.startswith(SETTING_PREFIX))
            ).scalars()
            return {
                name[len(SETTING_PREFIX) :]: read_setting(connection, self._keys, name[len(SETTING_PREFIX) :])
                for name in list(names)
            }
