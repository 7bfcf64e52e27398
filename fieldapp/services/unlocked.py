"""An unlocked device: the use cases the app and the command line call once the key is open.

Validation is the model's (`parse_observation`); storage is the store's. This layer
joins them, keeps multi-record saves all-or-nothing, and drops the keys on `lock()`.
"""

import base64
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    store_server,
)
from fieldapp.store.attachments import PhotoAlreadyAttached, PhotoStore, StoredPhoto, TooManyPhotos
from fieldapp.store.log_audit_store import SqlAuditStore
from fieldapp.store.register_store import SqlRegisterStore
from fieldapp.vault import DeviceKeys, Locked
from sync.attachment_protocol import PHOTOS_PER_RECORD_MAX
from sync.canonical import sha256_hex

from . import photos as photo_cases
from .clear_settings import USER_SETTINGS, ClearSettings, read_clear_settings, write_clear_settings
from .errors import CannotAmend, InvalidItem, InvalidSetting

KNOWN_ID = "an observation with this id is already on this device"
# A record may only list photos this device holds: they are added with attach_photo / --attach.
PHOTOS_NOT_IN_JSON = "photos are attached with --attach (or the app's photo button), not listed in the input"


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
        self._photos = PhotoStore(engine, keys, self.data_dir, clock=clock)

    @classmethod
    def open(cls, data_dir: Path, keys: DeviceKeys, *, clock: Callable[[], datetime]) -> "Unlocked":
        device = cls(data_dir, keys, open_database(data_dir, keys), clock=clock)
        device._photos.sweep()  # sealed files a crash left without a row
        return device

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
        # The photos stay as attached: they change only through attach_photo / remove_photo.
        data = {**data, "id": record_id, "attachments": self._photos.listed(record_id)}
        record = parse_observation(data, now=self._clock()).to_record()
        self._store.update_draft(record)
        return record_id

    def delete_draft(self, record_id: str) -> None:
        """Delete a draft and its photos' sealed files."""
        self._check()
        file_ids = self._photos.file_ids(record_id)
        self._store.delete_draft(record_id)  # the photos' rows go with it (ON DELETE CASCADE)
        self._photos.delete_files(file_ids)

    def finalize(self, record_id: str) -> RecordView:
        """Sign the draft into the device's chain; immutable from then on."""
        self._check()
        return self._store.finalize(record_id)

    def record(self, data: dict[str, Any], *, finalize: bool = False) -> str:
        """Validate and store one observation (and finalize it), in one transaction."""
        self._check()
        record = _parse_for_storage(data, now=self._clock())
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
        seen_ids: set[str] = set()
        for index, item in enumerate(items):
            try:
                if kind is not None and isinstance(item, dict):
                    if item.get("kind") not in (None, kind):
                        raise InvalidObservation(
                            [FieldError("kind", f"is {item.get('kind')!r}, but --kind says {kind!r}")]
                        )
                    item = {**item, "kind": kind}
                record = _parse_for_storage(item, now=now)
                if record["id"] in seen_ids:
                    raise InvalidObservation([FieldError("id", "appears twice in this input")])
                seen_ids.add(record["id"])
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

    def ids_with_prefix(self, prefix: str, *, limit: int = 11) -> list[str]:
        self._check()
        return self._store.ids_with_prefix(prefix, limit=limit)

    def list_page(
        self, states: Iterable[str] | None = None, *, cursor: str | None = None, limit: int = 50
    ) -> Page:
        self._check()
        return self._store.page(states, cursor=cursor, limit=limit)

    def iter_records(self, states: Iterable[str] | None = None) -> Iterator[RecordView]:
        """Every record (of these states), newest first, from one snapshot, in constant memory
        (for `fieldapp list`; the app pages with list_page)."""
        self._check()
        return self._store.iter_records(states)

    def counts(self) -> dict[str, int]:
        """Records per state (every state present); kept as records change, so O(1)."""
        self._check()
        return self._store.counts()

    def start_amendment(self, record_id: str) -> dict[str, Any]:
        """Prefill for a correction: the finalized record's fields, a new id to come, amends=it."""
        source = self.get(record_id)
        if not source.finalized:
            raise CannotAmend()
        prefill = {key: value for key, value in source.record.items() if key != "id"}
        prefill["amends"] = record_id
        prefill["attachments"] = []  # the photos stay with the original; attach new ones if needed
        return prefill

    # --- photos (docs/photos.md) ------------------------------------------------------------

    def record_with_photos(
        self,
        data: dict[str, Any],
        sources: Sequence[photo_cases.PhotoInput],
        *,
        kind: str | None = None,
        finalize: bool = False,
    ) -> str:
        """One observation with its photos, in one transaction (nothing stored if any is refused).

        Each source is a path (or the bytes) of a JPEG/PNG; it is checked, hashed and sealed
        first, so a refused photo leaves nothing behind.
        """
        self._check()
        if kind is not None and isinstance(data, dict):
            if data.get("kind") not in (None, kind):
                raise InvalidObservation(
                    [FieldError("kind", f"is {data.get('kind')!r}, but --kind says {kind!r}")]
                )
            data = {**data, "kind": kind}
        record = parse_observation(data, now=self._clock()).to_record()
        if record["attachments"]:
            raise InvalidObservation([FieldError("attachments", PHOTOS_NOT_IN_JSON)])
        if len(sources) > PHOTOS_PER_RECORD_MAX:
            raise TooManyPhotos()
        prepared = [photo_cases.prepare_photo(source) for source in sources]
        if len({photo.sha256 for photo in prepared}) != len(prepared):
            raise PhotoAlreadyAttached("the same photo is given twice; nothing was stored")
        sealed: list[Any] = []
        try:
            for photo in prepared:
                sealed.append(
                    self._photos.seal(
                        record["id"],
                        photo.pieces(),
                        sha256=photo.sha256,
                        size=photo.size,
                        name=photo.name,
                        mime=photo.mime,
                    )
                )
            record["attachments"] = [item.to_record() for item in sealed]
            try:
                return self._store.add(
                    [record],
                    finalize=finalize,
                    also=lambda connection: self._photos.insert_rows(connection, record["id"], sealed),
                )[0]
            except DuplicateRecord:
                raise InvalidObservation([FieldError("id", KNOWN_ID)]) from None
        except BaseException:
            self._photos.discard(sealed)
            raise

    def attach_photo(
        self, record_id: str, source: photo_cases.PhotoInput, *, name: str | None = None
    ) -> StoredPhoto:
        """Add a photo to a saved draft (path or bytes of a JPEG/PNG). Refusals change nothing."""
        self._check()
        return photo_cases.attach_photo(self._photos, record_id, source, name=name)

    def remove_photo(self, record_id: str, sha256: str) -> None:
        """Take a photo off a draft and delete its sealed file."""
        self._check()
        self._photos.remove_from_draft(record_id, sha256)

    def photos(self, record_id: str) -> list[StoredPhoto]:
        """The record's photos in order, with their upload states (pending / uploading / done)."""
        self._check()
        return self._photos.photos_of(record_id)

    def read_photo(self, record_id: str, sha256: str) -> bytes:
        """The original photo bytes, in memory (its SHA-256 checked); never written out."""
        self._check()
        return self._photos.read_bytes(record_id, sha256)

    def photo_thumbnail(
        self, record_id: str, sha256: str, *, max_px: int = photo_cases.THUMBNAIL_PX
    ) -> bytes:
        """A small JPEG of the photo, made in memory, for the form and the detail screen."""
        return photo_cases.thumbnail(self.read_photo(record_id, sha256), max_px=max_px)

    def photo_hints(self, record_id: str, sha256: str) -> photo_cases.PhotoHints:
        """The photo's EXIF time and GPS position, to offer as the observation's."""
        return photo_cases.photo_hints(self.read_photo(record_id, sha256))

    def photos_pending(self, record_id: str) -> int:
        """Photos of this record not yet on the server (the list shows "sent, photos pending")."""
        self._check()
        return self._photos.pending_counts([record_id]).get(record_id, 0)

    def photos_pending_counts(self, record_ids: Sequence[str] | None = None) -> dict[str, int]:
        """The same for many records at once (one query per list page); records with none are left out."""
        self._check()
        return self._photos.pending_counts(record_ids)

    @property
    def photo_uploads(self) -> PhotoStore:
        """The photo store as the uploader's PhotoSource (sync.attachments)."""
        self._check()
        return self._photos

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

    @property
    def registers(self) -> SqlRegisterStore:
        """The mission's registers pulled from the server (signed, encrypted at rest)."""
        self._check()
        return SqlRegisterStore(self._engine, self._keys)

    @property
    def log_audit_store(self) -> SqlAuditStore:
        """What the audit of the server's transparency log reads and keeps (sync.log_audit)."""
        self._check()
        return SqlAuditStore(self._engine, self._keys)

    def seal_queued(self) -> int:
        """Seal every queued record to the stored server seal key (after enrolment)."""
        self._check()
        return seal_queued(self._engine, self._keys)

    def store_enrollment(self, **settings: Any) -> int:
        """Keep what an enrolment returned (server_url, device_credential, server_seal_key,
        server_sign_key, update_cursor) in one transaction, then seal the queued records to
        the server's key; returns how many were sealed. With a new seal key (another server)
        every queued record is sealed again and the old server's refusals are forgotten."""
        self._check()
        store_server(self._engine, self._keys, settings)
        return seal_queued(self._engine, self._keys)


def _parse_for_storage(data: Any, *, now: datetime) -> dict[str, Any]:
    """Validate one input object into the record dict the store keeps.

    Photos never come in through JSON: they are attached from files, hashed here.
    """
    record = parse_observation(data, now=now).to_record()
    if record["attachments"]:
        raise InvalidObservation([FieldError("attachments", PHOTOS_NOT_IN_JSON)])
    return record
