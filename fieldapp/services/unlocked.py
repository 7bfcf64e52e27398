"""An unlocked device: the use cases the app and the command line call once the key is open.

Validation is the model's (`parse_observation`); storage is the store's. This layer
joins them, keeps multi-record saves all-or-nothing, and drops the keys on `lock()`.
"""

import base64
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from fieldapp.model import FieldError, InvalidObservation, parse_observation
from fieldapp.store import (
    DuplicateRecord,
    ObservationStore,
    Page,
    RecordView,
    SecretSettings,
    SqlOutbox,
    open_database,
    seal_queued,
)
from fieldapp.vault import DeviceKeys, Locked
from sync.canonical import sha256_hex

from .clear_settings import USER_SETTINGS, ClearSettings, read_clear_settings, write_clear_settings
from .errors import CannotAmend, InvalidItem, InvalidSetting

KNOWN_ID = "an observation with this id is already on this device"


@dataclass(frozen=True)
class DeviceInfo:
    """What the settings screen shows about this device's identity."""

    device_id: str
    public_key: str  # base64 raw Ed25519
    fingerprint: str  # SHA-256 of the public key, hex in groups of four, for reading aloud


@dataclass(frozen=True)
class AppSettings:
    """Every setting the settings screen edits; server_url is stored encrypted."""

    server_url: str | None
    language: str
    auto_lock_minutes: int
    wipe_after_failures: int | None


class Unlocked:
    """The device while its keys are open. Make one with create_device or unlock_device."""

    def __init__(
        self, data_dir: Path, keys: DeviceKeys, engine: Engine, *, clock: Callable[[], datetime]
    ) -> None:
        self.data_dir = Path(data_dir)
        self._keys = keys
        self._engine = engine
        self._clock = clock
        self._store = ObservationStore(engine, keys, clock=clock)
        self._outbox = SqlOutbox(engine, keys, clock=clock)
        self._secret = SecretSettings(engine, keys)

    @classmethod
    def open(cls, data_dir: Path, keys: DeviceKeys, *, clock: Callable[[], datetime]) -> "Unlocked":
        return cls(data_dir, keys, open_database(data_dir), clock=clock)

    # --- lifecycle ----------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self._keys.locked

    def lock(self) -> None:
        """Drop the keys and close the database; every later call raises Locked."""
        self._keys.clear()
        self._engine.dispose()

    def __enter__(self) -> "Unlocked":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.lock()

    def _check(self) -> None:
        if self._keys.locked:
            raise Locked()

    # --- observations -------------------------------------------------------------------

    def save_draft(self, data: dict[str, Any], *, record_id: str | None = None) -> str:
        """A new draft (record_id None) or a new version of an existing draft."""
        self._check()
        if record_id is None:
            return self.record(data)
        record = parse_observation({**data, "id": record_id}, now=self._clock()).to_record()
        self._store.update_draft(record)
        return record_id

    def delete_draft(self, record_id: str) -> None:
        self._check()
        self._store.delete_draft(record_id)

    def finalize(self, record_id: str) -> RecordView:
        """Sign the draft into the device's chain; immutable from then on."""
        self._check()
        return self._store.finalize(record_id)

    def record(self, data: dict[str, Any], *, finalize: bool = False) -> str:
        """Validate and store one observation (and finalize it), in one transaction."""
        self._check()
        record = parse_observation(data, now=self._clock()).to_record()
        try:
            return self._store.add([record], finalize=finalize)[0]
        except DuplicateRecord:
            raise InvalidObservation([FieldError("id", KNOWN_ID)]) from None

    def record_many(
        self, items: Sequence[Any], *, kind: str | None = None, finalize: bool = False
    ) -> list[str]:
        """Validate every item first, then store them all in one transaction, or none.

        `kind`, when given, fills each item's kind or must match it.
        """
        self._check()
        now = self._clock()
        records: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            try:
                if kind is not None and isinstance(item, dict):
                    if item.get("kind") not in (None, kind):
                        raise InvalidObservation(
                            [FieldError("kind", f"is {item.get('kind')!r}, but --kind says {kind!r}")]
                        )
                    item = {**item, "kind": kind}
                record = parse_observation(item, now=now).to_record()
                if any(other["id"] == record["id"] for other in records):
                    raise InvalidObservation([FieldError("id", "appears twice in this input")])
                records.append(record)
            except InvalidObservation as exc:
                raise InvalidItem(index, len(items), exc.errors) from None
        try:
            return self._store.add(records, finalize=finalize)
        except DuplicateRecord as exc:
            index = next(i for i, record in enumerate(records) if record["id"] == exc.record_id)
            raise InvalidItem(index, len(items), [FieldError("id", KNOWN_ID)]) from None

    def get(self, record_id: str) -> RecordView:
        self._check()
        return self._store.get(record_id)

    def list_page(
        self, states: Iterable[str] | None = None, *, cursor: str | None = None, limit: int = 50
    ) -> Page:
        self._check()
        return self._store.page(states, cursor=cursor, limit=limit)

    def counts(self) -> dict[str, int]:
        self._check()
        return self._store.counts()

    def start_amendment(self, record_id: str) -> dict[str, Any]:
        """Prefill for a correction: the finalized record's fields, a new id to come, amends=it."""
        source = self.get(record_id)
        if not source.finalized:
            raise CannotAmend()
        prefill = {key: value for key, value in source.record.items() if key != "id"}
        prefill["amends"] = record_id
        return prefill

    # --- device and settings -------------------------------------------------------------

    @property
    def device_id(self) -> str:
        return self._keys.device_id

    @property
    def signing_key(self) -> Ed25519PrivateKey:
        return self._keys.signing_key

    def device_info(self) -> DeviceInfo:
        public_key = self._keys.public_key
        digest = sha256_hex(public_key)
        return DeviceInfo(
            device_id=self._keys.device_id,
            public_key=base64.b64encode(public_key).decode("ascii"),
            fingerprint=" ".join(digest[i : i + 4] for i in range(0, len(digest), 4)),
        )

    def settings(self) -> AppSettings:
        self._check()
        clear = read_clear_settings(self.data_dir)
        return AppSettings(
            server_url=self._secret.get("server_url"),
            **{name: getattr(clear, name) for name in USER_SETTINGS},
        )

    def update_settings(self, **changes: Any) -> AppSettings:
        self._check()
        known = {field.name for field in fields(AppSettings)}
        unknown = set(changes) - known
        if unknown:
            raise InvalidSetting(f"unknown setting: {', '.join(sorted(unknown))}")
        clear_changes = {name: value for name, value in changes.items() if name in USER_SETTINGS}
        if clear_changes:
            write_clear_settings(self.data_dir, **clear_changes)
        if "server_url" in changes:
            url = changes["server_url"]
            if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
                raise InvalidSetting("the server address must start with https:// (or http:// for testing)")
            self._secret.set(server_url=url or None)
        return self.settings()

    def clear_settings(self) -> ClearSettings:
        return read_clear_settings(self.data_dir)

    # --- for the sync engine and enrolment ------------------------------------------------

    @property
    def outbox(self) -> SqlOutbox:
        self._check()
        return self._outbox

    @property
    def sync_settings(self) -> SecretSettings:
        self._check()
        return self._secret

    def seal_queued(self) -> int:
        """Seal every queued record to the stored server seal key (after enrolment)."""
        self._check()
        return seal_queued(self._engine, self._keys)
