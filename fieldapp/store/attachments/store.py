"""Photos at rest: sealed files under <data dir>/attachments, rows in the database.

Attaching to a draft updates the draft's `attachments` list and adds the row in one
transaction; the sealed file is written first (under a random name) and removed again
if the transaction fails. A file with no row (a crash between the two) is unreadable
(its key was never stored) and is swept at the next unlock.
"""

import os
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from fieldapp.vault import DeviceKeys
from sync.attachment_protocol import PHOTOS_PER_RECORD_MAX, UPLOAD_STATES, PendingPhoto, UploadState
from sync.crypto import b64decode, b64encode, new_key

from ..clock import stamp
from ..codec import SCHEMA_TAG, observation_aad, open_json, seal_json
from ..errors import NotEditable, UnknownRecord
from ..rows import OBS, write_draft
from ..states import DRAFT, QUEUED
from ..tables import table_of
from .errors import PhotoAlreadyAttached, TooManyPhotos, UnknownPhoto
from .sealed_file import SealedPhoto, write_sealed_photo
from .table import AttachmentRow

ATTACHMENTS_DIR = "attachments"
FILE_SUFFIX = ".photo"
ORPHAN_AGE_S = 3600  # a file this old without a row is left over from a crash
ATT = table_of(AttachmentRow)


def meta_aad(record_id: str, file_id: str) -> bytes:
    return f"{SCHEMA_TAG}/attachment/{record_id}/{file_id}".encode()


@dataclass(frozen=True)
class NewPhoto:
    """A photo sealed to disk, not yet in the database."""

    file_id: str
    key: bytes
    sha256: str
    name: str
    size: int
    mime: str

    def to_record(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "name": self.name, "size": self.size, "mime": self.mime}


@dataclass(frozen=True)
class StoredPhoto:
    """One attached photo as the app sees it (no key, no path)."""

    record_id: str
    sha256: str
    name: str
    size: int
    mime: str
    position: int
    upload_state: str  # pending | uploading | done
    upload_error: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "name": self.name, "size": self.size, "mime": self.mime}


class PhotoStore:
    """The device's photos for one unlocked device; implements sync.attachments.PhotoSource."""

    def __init__(
        self, engine: Engine, keys: DeviceKeys, data_dir: Path, *, clock: Callable[[], datetime]
    ) -> None:
        self._engine = engine
        self._keys = keys
        self.directory = Path(data_dir) / ATTACHMENTS_DIR
        self._clock = clock

    # --- writing ------------------------------------------------------------------------

    def seal(
        self, record_id: str, pieces: Iterable[bytes], *, sha256: str, size: int, name: str, mime: str
    ) -> NewPhoto:
        """Encrypt one photo into a new file (no database change yet)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        file_id = secrets.token_hex(16)
        key = new_key()
        write_sealed_photo(
            self._path(file_id), pieces, key=key, record_id=record_id, sha256=sha256, size=size
        )
        return NewPhoto(file_id=file_id, key=key, sha256=sha256, name=name, size=size, mime=mime)

    def insert_rows(self, connection: Connection, record_id: str, photos: Sequence[NewPhoto]) -> None:
        """Rows for photos already listed in the record's content (inside the caller's transaction)."""
        for position, photo in enumerate(photos):
            self._insert_row(connection, record_id, position, photo)

    def _insert_row(self, connection: Connection, record_id: str, position: int, photo: NewPhoto) -> None:
        """A photo's row, waiting to be uploaded; its metadata sealed."""
        connection.execute(
            insert(ATT),
            {
                "id": photo.file_id,
                "record_id": record_id,
                "position": position,
                "upload_state": "pending",
                "upload_error": None,
                "meta": self._seal_meta(record_id, photo),
            },
        )

    def attach_to_draft(self, record_id: str, photo: NewPhoto) -> StoredPhoto:
        """Add a sealed photo to a draft: its list and its row in one transaction."""
        try:
            with self._engine.begin() as connection:
                record = self._draft_record(connection, record_id)
                listed = list(record.get("attachments") or [])
                if any(item["sha256"] == photo.sha256 for item in listed):
                    raise PhotoAlreadyAttached()
                if len(listed) >= PHOTOS_PER_RECORD_MAX:
                    raise TooManyPhotos()
                record["attachments"] = [*listed, photo.to_record()]
                self._write_draft(connection, record_id, record)
                position = connection.execute(
                    select(func.coalesce(func.max(ATT.c.position) + 1, 0)).where(ATT.c.record_id == record_id)
                ).scalar_one()
                self._insert_row(connection, record_id, position, photo)
        except BaseException:
            self.delete_files([photo.file_id])
            raise
        return StoredPhoto(
            record_id=record_id,
            sha256=photo.sha256,
            name=photo.name,
            size=photo.size,
            mime=photo.mime,
            position=position,
            upload_state="pending",
        )

    def remove_from_draft(self, record_id: str, sha256: str) -> None:
        with self._engine.begin() as connection:
            record = self._draft_record(connection, record_id)
            file_id = self._find(connection, record_id, sha256)[0]
            record["attachments"] = [a for a in record.get("attachments") or [] if a["sha256"] != sha256]
            self._write_draft(connection, record_id, record)
            connection.execute(delete(ATT).where(ATT.c.id == file_id))
        self.delete_files([file_id])

    def discard(self, photos: Iterable[NewPhoto]) -> None:
        """Remove sealed files that never made it into the database."""
        self.delete_files([photo.file_id for photo in photos])

    # --- reading ------------------------------------------------------------------------

    def photos_of(self, record_id: str) -> list[StoredPhoto]:
        with self._engine.begin() as connection:
            rows = connection.execute(
                select(ATT).where(ATT.c.record_id == record_id).order_by(ATT.c.position)
            ).all()
        return [self._stored(row) for row in rows]

    def listed(self, record_id: str) -> list[dict[str, Any]]:
        """The record's `attachments` list as the rows say (for keeping it across draft edits)."""
        return [photo.to_record() for photo in self.photos_of(record_id)]

    def open(self, record_id: str, sha256: str) -> SealedPhoto:
        with self._engine.begin() as connection:
            file_id, meta = self._find(connection, record_id, sha256)
        return SealedPhoto(
            self._path(file_id), key=b64decode(meta["key"]), record_id=record_id, sha256=sha256
        )

    def read_bytes(self, record_id: str, sha256: str) -> bytes:
        """The original photo, in memory, its SHA-256 checked."""
        return self.open(record_id, sha256).read_all()

    def file_ids(self, record_id: str) -> list[str]:
        with self._engine.begin() as connection:
            return list(connection.execute(select(ATT.c.id).where(ATT.c.record_id == record_id)).scalars())

    def delete_files(self, file_ids: Iterable[str]) -> None:
        for file_id in file_ids:
            self._path(file_id).unlink(missing_ok=True)

    def pending_counts(self, record_ids: Sequence[str] | None = None) -> dict[str, int]:
        """Photos not yet on the server, per record (records without any are left out)."""
        query = (
            select(ATT.c.record_id, func.count().label("n"))
            .where(ATT.c.upload_state != "done")
            .group_by(ATT.c.record_id)
        )
        if record_ids is not None:
            query = query.where(ATT.c.record_id.in_(list(record_ids)))
        with self._engine.begin() as connection:
            return {row.record_id: row.n for row in connection.execute(query)}

    def sweep(self, *, min_age_s: float = ORPHAN_AGE_S) -> int:
        """Delete sealed files no row names (left by a crash), once they are old enough."""
        if not self.directory.is_dir():
            return 0
        with self._engine.begin() as connection:
            known = set(connection.execute(select(ATT.c.id)).scalars())
        removed = 0
        cutoff = time.time() - min_age_s
        for entry in os.scandir(self.directory):
            file_id = entry.name.removeprefix(".").split(".", 1)[0]
            if file_id in known or not entry.is_file():
                continue
            if entry.stat().st_mtime <= cutoff:
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
        return removed

    # --- sync.attachments.PhotoSource ----------------------------------------------------

    def pending_photos(self) -> list[PendingPhoto]:
        """Photos of records the server has (state past `queued`) not yet uploaded, in chain order."""
        with self._engine.begin() as connection:
            rows = connection.execute(
                select(ATT)
                .join(OBS, OBS.c.id == ATT.c.record_id)
                .where(OBS.c.state.not_in((DRAFT, QUEUED)), ATT.c.upload_state != "done")
                .order_by(OBS.c.sort_key, ATT.c.position)
            ).all()
        pending = []
        for row in rows:
            meta = self._open_meta(row)
            pending.append(PendingPhoto(record_id=row.record_id, sha256=meta["sha256"], size=meta["size"]))
        return pending

    def read_photo_range(self, record_id: str, sha256: str, offset: int, length: int) -> bytes:
        return self.open(record_id, sha256).read_range(offset, length)

    def mark_photo(
        self, record_id: str, sha256: str, state: UploadState, *, error: str | None = None
    ) -> None:
        if state not in UPLOAD_STATES:
            raise ValueError(f"unknown upload state {state!r}")
        with self._engine.begin() as connection:
            file_id = self._find(connection, record_id, sha256)[0]
            connection.execute(
                update(ATT).where(ATT.c.id == file_id).values(upload_state=state, upload_error=error)
            )

    # --- helpers ------------------------------------------------------------------------

    def _path(self, file_id: str) -> Path:
        return self.directory / f"{file_id}{FILE_SUFFIX}"

    def _seal_meta(self, record_id: str, photo: NewPhoto) -> bytes:
        meta = {**photo.to_record(), "key": b64encode(photo.key)}
        return seal_json(self._keys, meta, meta_aad(record_id, photo.file_id))

    def _open_meta(self, row: Any) -> dict[str, Any]:
        return open_json(self._keys, row.meta, meta_aad(row.record_id, row.id))

    def _stored(self, row: Any) -> StoredPhoto:
        meta = self._open_meta(row)
        return StoredPhoto(
            record_id=row.record_id,
            sha256=meta["sha256"],
            name=meta["name"],
            size=meta["size"],
            mime=meta["mime"],
            position=row.position,
            upload_state=row.upload_state,
            upload_error=row.upload_error,
        )

    def _find(self, connection: Connection, record_id: str, sha256: str) -> tuple[str, dict[str, Any]]:
        rows = connection.execute(SELECT_OF_RECORD, {"record_id": record_id}).all()
        for row in rows:
            meta = self._open_meta(row)
            if meta["sha256"] == sha256:
                return row.id, meta
        raise UnknownPhoto()

    def _draft_record(self, connection: Connection, record_id: str) -> dict[str, Any]:
        row = connection.execute(select(OBS).where(OBS.c.id == record_id)).first()
        if row is None:
            raise UnknownRecord(f"no observation with id {record_id} on this device")
        if row.state != DRAFT:
            raise NotEditable()
        return open_json(self._keys, row.content, observation_aad(record_id))["record"]

    def _write_draft(self, connection: Connection, record_id: str, record: dict[str, Any]) -> None:
        write_draft(connection, self._keys, record_id, record, stamp(self._clock()))


SELECT_OF_RECORD = select(ATT).where(ATT.c.record_id == bindparam("record_id")).order_by(ATT.c.position)
