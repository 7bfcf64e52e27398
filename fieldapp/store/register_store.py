"""The mission's registers on the device: the signed entries the sync engine pulled.

Kept as one encrypted setting (`registers`, AES-GCM under the data key like every other
setting): the server signing key they were checked against, the feed's cursor, and per
entry the exact signed bytes and signature, so what the form offers can be re-checked at
any time. A mission's registers are a few hundred entries, read once per unlock. Registers
from another server (the device enrolled again elsewhere) are never mixed with the new
server's: the first page from the new server replaces them, from cursor 0.
"""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine

from fieldapp.vault import DeviceKeys
from sync.registers import RegisterEntry, RegisterItem, StoredEntry

from .secret_settings import read_setting, write_setting

SETTING = "registers"
SIGN_KEY_SETTING = "server_sign_key"


class SqlRegisterStore:
    """Implements sync.registers.RegisterSink, and reads the registers for the form."""

    def __init__(self, engine: Engine, keys: DeviceKeys) -> None:
        self._engine = engine
        self._keys = keys

    def _state(self, connection: Any) -> dict[str, Any]:
        state = read_setting(connection, self._keys, SETTING, None) or {}
        if state.get("sign_key") != read_setting(connection, self._keys, SIGN_KEY_SETTING):
            return {}  # another server's registers: start again
        return state

    def register_cursor(self) -> int:
        with self._engine.begin() as connection:
            return int(self._state(connection).get("cursor", 0))

    def apply_register_items(self, items: list[tuple[RegisterEntry, RegisterItem]], cursor: int) -> None:
        """Verified entries and the new cursor in one transaction; an entry replaces what is
        held only with a higher version (a page applied twice changes nothing)."""
        with self._engine.begin() as connection:
            state = self._state(connection)
            entries: dict[str, dict[str, Any]] = state.get("entries", {})
            versions: dict[str, int] = state.get("versions", {})
            for entry, item in items:
                key = f"{entry.register_name}/{entry.id}"
                if versions.get(key, 0) < entry.version:
                    entries[key] = StoredEntry.of(item).model_dump()
                    versions[key] = entry.version
            write_setting(
                connection,
                self._keys,
                SETTING,
                {
                    "sign_key": read_setting(connection, self._keys, SIGN_KEY_SETTING),
                    "cursor": max(cursor, int(state.get("cursor", 0))),
                    "entries": entries,
                    "versions": versions,
                },
            )

    def entries(self, register: str | None = None, *, include_retired: bool = False) -> list[RegisterEntry]:
        """The held entries (of one register), by English name."""
        found = [
            entry
            for entry in self._all()
            if (register is None or entry.register_name == register) and (include_retired or not entry.retired)
        ]
        return sorted(found, key=lambda e: (e.register_name, e.name_en.casefold(), e.id))

    def _all(self) -> Iterator[RegisterEntry]:
        with self._engine.begin() as connection:
            held = self._state(connection).get("entries", {})
        for stored in held.values():
            yield StoredEntry.model_validate(stored).entry()
