"""Photos after their report: resumable upload from the device, reading for verifiers.

Only a photo the *signed* record lists (by SHA-256, with its size and type) can be
uploaded, only by the device that sent the record, and never past its signed size.
Chunks arrive in order: each must start where the server's copy ends (409 otherwise,
with the offset to continue from). A chunk that does not open (changed on the way, or
sealed for another photo, device or offset) is refused with 400 and changes nothing.
When the last byte arrives the whole part is hashed: a match is committed to the
attachment store under its SHA-256; a mismatch is discarded (the upload starts over)
and refused with 422.

Each chunk is one transaction holding the photo's row (a row lock on PostgreSQL,
BEGIN IMMEDIATE on SQLite), so two requests for one photo can't interleave.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.attachment_protocol import (
    CHUNK_BYTES_MAX,
    PHOTO_MIME_TYPES,
    PHOTO_SIZE_MAX,
    AttachmentStatus,
    chunk_header,
    chunk_length_of,
    open_chunk,
)
from sync.errors import DecryptionError

from .database import insert_ignoring_conflicts
from .errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from .keys import ServerKeys
from .models import Report, ReportAttachment, table_of
from .record_content import read_stored
from .storage import AttachmentStore

log = logging.getLogger("fieldapp.server.attachments")

SHA256_PATTERN = r"^[0-9a-f]{64}$"
_SHA256 = re.compile(SHA256_PATTERN)
REASON_NOT_OPENED = (
    "this chunk could not be opened (changed on the way, or sealed for another photo or offset); "
    "send it again"
)
REASON_HASH = (
    "the photo does not match the SHA-256 signed in its record; the upload was discarded, start again"
)


@dataclass(frozen=True)
class SignedPhoto:
    """A photo as the signed record lists it."""

    sha256: str
    name: str
    size: int
    mime: str


@dataclass(frozen=True)
class ChunkResult:
    """A chunk's answer; `hash_mismatch` means the finished photo was discarded (answer 422
    once the transaction that reset its row has committed)."""

    status: AttachmentStatus
    hash_mismatch: bool = False


def signed_photos(report: Report) -> list[SignedPhoto]:
    """The `attachments` of the signed record (entries that aren't well formed are left out)."""
    return photos_in(read_stored(report.body).content)


def photos_in(content: dict[str, Any]) -> list[SignedPhoto]:
    """`signed_photos` of a body already read (`read_stored(...).content`)."""
    items = content.get("attachments")
    photos = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        sha256, size, mime, name = item.get("sha256"), item.get("size"), item.get("mime"), item.get("name")
        if not (isinstance(sha256, str) and _SHA256.match(sha256)):
            continue
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            continue
        photos.append(
            SignedPhoto(
                sha256=sha256,
                name=name if isinstance(name, str) else sha256,
                size=size,
                mime=mime if mime in PHOTO_MIME_TYPES else "application/octet-stream",
            )
        )
    return photos


def part_id(record_id: str, sha256: str) -> str:
    return f"{record_id}.{sha256}"


# --- device side of the protocol ---------------------------------------------------------


def upload_status(
    session: Session, *, device_id: str, record_id: str, sha256: str, now: datetime
) -> AttachmentStatus:
    """How much of this photo the server holds (the device continues from `received`)."""
    _report, photo = _own_photo(session, device_id, record_id, sha256)
    row = _row(session, device_id, record_id, photo, now, lock=False)
    return _status(row)


def receive_chunk(
    session: Session,
    *,
    keys: ServerKeys,
    store: AttachmentStore,
    device_id: str,
    record_id: str,
    sha256: str,
    offset: int,
    sealed: bytes,
    now: datetime,
) -> ChunkResult:
    """Check, open and store one chunk; commit the photo when it is whole and matches."""
    _report, photo = _own_photo(session, device_id, record_id, sha256)
    row = _row(session, device_id, record_id, photo, now, lock=True)
    if row.complete:
        return ChunkResult(_status(row))  # a chunk resent after the photo was committed: nothing to do
    if offset != row.received:
        raise Conflict(f"the server holds {row.received} bytes of this photo; continue from there")
    length = chunk_length_of(len(sealed))
    if length <= 0:
        raise BadRequest(REASON_NOT_OPENED)
    if length > CHUNK_BYTES_MAX:
        raise PayloadTooLarge(f"a chunk may carry at most {CHUNK_BYTES_MAX} bytes")
    if offset + length > photo.size:
        raise PayloadTooLarge("this chunk runs past the photo's signed size")
    header = chunk_header(
        record_id=record_id, device_id=device_id, sha256=sha256, offset=offset, length=length, size=photo.size
    )
    try:
        chunk = open_chunk(keys.seal_private, sealed, header)
    except DecryptionError:
        log.info("attachments.chunk_refused", extra={"fields": {"record_id": record_id, "offset": offset}})
        raise BadRequest(REASON_NOT_OPENED) from None
    store.write_part(part_id(record_id, sha256), offset, chunk)
    row.received = offset + length
    if row.received == photo.size:
        if store.part_sha256(part_id(record_id, sha256)) != sha256:
            store.discard_part(part_id(record_id, sha256))
            row.received = 0
            session.flush()
            log.warning("attachments.hash_mismatch", extra={"fields": {"record_id": record_id}})
            return ChunkResult(_status(row), hash_mismatch=True)
        store.commit_part(part_id(record_id, sha256), sha256)
        row.complete = True
        row.completed_at = now
        log.info("attachments.complete", extra={"fields": {"record_id": record_id, "size": photo.size}})
    session.flush()
    return ChunkResult(_status(row))


def _own_photo(session: Session, device_id: str, record_id: str, sha256: str) -> tuple[Report, SignedPhoto]:
    report = session.get(Report, record_id)
    if report is None or report.device_id != device_id:
        raise NotFound("no report with this id from this device (send the record first)")
    photo = next((p for p in signed_photos(report) if p.sha256 == sha256), None)
    if photo is None:
        raise NotFound("the signed record does not list this photo")
    if photo.size > PHOTO_SIZE_MAX:
        raise PayloadTooLarge(f"photos may be at most {PHOTO_SIZE_MAX // (1024 * 1024)} MB")
    if photo.size == 0:
        raise PayloadTooLarge("an empty file is not a photo")
    return report, photo


def _row(
    session: Session, device_id: str, record_id: str, photo: SignedPhoto, now: datetime, *, lock: bool
) -> ReportAttachment:
    insert = insert_ignoring_conflicts(session, table_of(ReportAttachment), key=["record_id", "sha256"])
    session.execute(
        insert.values(
            record_id=record_id,
            sha256=photo.sha256,
            device_id=device_id,
            size=photo.size,
            mime=photo.mime,
            received=0,
            complete=False,
            started_at=now,
        )
    )
    query = sa.select(ReportAttachment).where(
        col(ReportAttachment.record_id) == record_id, col(ReportAttachment.sha256) == photo.sha256
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()


def _status(row: ReportAttachment) -> AttachmentStatus:
    return AttachmentStatus(
        record_id=row.record_id,
        sha256=row.sha256,
        size=row.size,
        received=row.received,
        complete=row.complete,
    )


# --- verifier side -------------------------------------------------------------------------


def photos_of_report(session: Session, record_id: str) -> list[dict[str, Any]]:
    """Every photo the signed record lists, with how much has arrived."""
    report = session.get(Report, record_id)
    if report is None:
        raise NotFound("no such report")
    rows = {
        row.sha256: row
        for row in session.scalars(
            sa.select(ReportAttachment).where(col(ReportAttachment.record_id) == record_id)
        )
    }
    out = []
    for photo in signed_photos(report):
        row = rows.get(photo.sha256)
        out.append(
            {
                "sha256": photo.sha256,
                "name": photo.name,
                "size": photo.size,
                "mime": photo.mime,
                "received": row.received if row else 0,
                "complete": bool(row and row.complete),
                "completed_at": row.completed_at if row and row.complete else None,
            }
        )
    return out


def complete_photo(session: Session, record_id: str, sha256: str) -> SignedPhoto:
    """A photo of this report that has fully arrived (NotFound otherwise)."""
    report = session.get(Report, record_id)
    if report is None:
        raise NotFound("no such report")
    photo = next((p for p in signed_photos(report) if p.sha256 == sha256), None)
    if photo is None:
        raise NotFound("this report does not list that photo")
    row = session.get(ReportAttachment, (record_id, sha256))
    if row is None or not row.complete:
        raise NotFound("this photo has not fully arrived yet")
    return photo
