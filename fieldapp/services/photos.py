"""Photo use cases: attach (type, size and hash checked), EXIF hints, thumbnails, upload.

Everything happens in memory or in sealed files: no plaintext image or thumbnail is
ever written to disk. Pillow is imported only where EXIF or a thumbnail is wanted.
See docs/photos.md for the formats and the hooks the app and the sync run call.
"""

import contextlib
import hashlib
import random
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp.model.limits import NAME_MAX  # a file name is one of the record's short names
from fieldapp.store.attachments import (
    NotAPhoto,
    PhotoStore,
    PhotoTooLarge,
    PhotoUnreadable,
    StoredPhoto,
)
from sync.attachment_protocol import PHOTO_SIZE_MAX, UPLOAD_CHUNK_BYTES

if TYPE_CHECKING:  # httpx and the uploader load only when photos are sent
    import httpx

    from sync.attachments import PhotoProgress, PhotoUploadReport
    from sync.retry import RetryPolicy

READ_BYTES = 64 * 1024
THUMBNAIL_PX = 320
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

PhotoInput = Path | str | bytes


def detect_mime(head: bytes) -> str | None:
    """image/jpeg or image/png from the first bytes (never from the name), else None."""
    if head.startswith(JPEG_MAGIC):
        return "image/jpeg"
    if head.startswith(PNG_MAGIC):
        return "image/png"
    return None


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo checked (type, size) and hashed, ready to be sealed; `pieces()` reads it again."""

    name: str
    size: int
    mime: str
    sha256: str
    source: PhotoInput

    def pieces(self) -> Iterator[bytes]:
        if isinstance(self.source, bytes):
            view = memoryview(self.source)
            for start in range(0, len(view), READ_BYTES):
                yield bytes(view[start : start + READ_BYTES])
            return
        yield from _file_pieces(Path(self.source))


def prepare_photo(source: PhotoInput, *, name: str | None = None) -> PreparedPhoto:
    """Check a photo (JPEG/PNG by its bytes, at most the size cap) and take its SHA-256.

    The hash is of the original bytes, taken now: it goes into the record and is signed
    with it. The file is read in pieces, never whole.
    """
    if isinstance(source, bytes):
        size = len(source)
        head = source[:16]
        shown = name or "photo"
    else:
        path = Path(source)
        shown = name or path.name
        try:
            size = path.stat().st_size
            with open(path, "rb") as handle:
                head = handle.read(16)
        except OSError as exc:
            raise PhotoUnreadable(f"cannot read {path.name}: {exc.strerror or exc}") from None
    mime = detect_mime(head)
    if mime is None:
        raise NotAPhoto(
            f"{_plain_name(shown, 'file')} is not a JPEG or PNG photo; only those can be attached"
        )
    if size > PHOTO_SIZE_MAX:
        raise PhotoTooLarge(
            f"{_plain_name(shown, 'photo')} is {size / 1048576:.1f} MB; photos can be at most "
            f"{PHOTO_SIZE_MAX // 1048576} MB. It was not attached (nothing else changed)."
        )
    digest = hashlib.sha256()
    try:
        if isinstance(source, bytes):
            digest.update(source)
        else:
            for piece in _file_pieces(Path(source)):
                digest.update(piece)
    except OSError as exc:
        raise PhotoUnreadable(f"cannot read {shown}: {exc.strerror or exc}") from None
    extension = ".jpg" if mime == "image/jpeg" else ".png"
    return PreparedPhoto(
        name=_plain_name(shown, f"photo{extension}"),
        size=size,
        mime=mime,
        sha256=digest.hexdigest(),
        source=source,
    )


def attach_photo(
    store: PhotoStore, record_id: str, source: PhotoInput, *, name: str | None = None
) -> StoredPhoto:
    """Hash, seal and add one photo to a draft (the draft and its other photos stay as they were
    if anything refuses it: type, size, count, a duplicate)."""
    prepared = prepare_photo(source, name=name)
    sealed = store.seal(
        record_id,
        prepared.pieces(),
        sha256=prepared.sha256,
        size=prepared.size,
        name=prepared.name,
        mime=prepared.mime,
    )
    return store.attach_to_draft(record_id, sealed)


# --- what a photo says about itself (EXIF) -------------------------------------------------


@dataclass(frozen=True)
class PhotoHints:
    """When and where the camera says the photo was taken, if it says so.

    `taken_at` is aware when the photo records its UTC offset (OffsetTimeOriginal), else
    naive (the camera's local time). Offer these to the observer; never apply them silently.
    """

    taken_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None

    @property
    def empty(self) -> bool:
        return self.taken_at is None and self.lat is None

    def suggestion(self, *, local_offset: timedelta | None = None) -> dict[str, Any]:
        """Record-format fields to offer: `observed_at` and/or `location` (only what is known).

        A naive `taken_at` is given `local_offset` (the device's offset now), or left out
        when none is given, since a time without an offset can't be recorded.
        """
        out: dict[str, Any] = {}
        if self.taken_at is not None:
            taken = self.taken_at
            if taken.tzinfo is None and local_offset is not None:
                taken = taken.replace(tzinfo=timezone(local_offset))
            if taken.tzinfo is not None:
                out["observed_at"] = taken.isoformat()
        if self.lat is not None and self.lon is not None:
            out["location"] = {
                "lat": round(self.lat, 6),
                "lon": round(self.lon, 6),
                "accuracy_m": None if self.accuracy_m is None else round(self.accuracy_m, 1),
                "source": "gps",
            }
        return out


def photo_hints(source: PhotoInput) -> PhotoHints:
    """EXIF DateTimeOriginal (+ OffsetTimeOriginal) and GPS position, when the photo has them."""
    from PIL import ExifTags

    from sync.photo_decoding import PhotoRefused, read_exif

    try:
        exif = read_exif(source if isinstance(source, bytes) else _read_whole(Path(source)))
    except (PhotoRefused, OSError):
        return PhotoHints()
    try:
        details = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except (KeyError, ValueError, TypeError, OSError):
        return PhotoHints()
    taken = _exif_time(
        details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime),
        details.get(ExifTags.Base.OffsetTimeOriginal),
    )
    lat = _exif_degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), 90)
    lon = _exif_degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), 180)
    accuracy = _exif_number(gps.get(ExifTags.GPS.GPSHPositioningError))
    if lat is None or lon is None:
        lat = lon = accuracy = None
    return PhotoHints(taken_at=taken, lat=lat, lon=lon, accuracy_m=accuracy)


def _exif_time(value: Any, offset: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.strptime(value.strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, str):
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(f"{moment.isoformat()}{offset.strip().rstrip(chr(0))}")
    return moment


def _exif_number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _exif_degrees(value: Any, ref: Any, limit: float) -> float | None:
    if not isinstance(value, tuple | list) or len(value) != 3:
        return None
    parts = [_exif_number(part) for part in value]
    if any(part is None for part in parts):
        return None
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600  # type: ignore[operator]
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip().upper() in ("S", "W"):
        degrees = -degrees
    return degrees if -limit <= degrees <= limit else None


# --- thumbnails, in memory only ------------------------------------------------------------


def thumbnail(data: bytes, *, max_px: int = THUMBNAIL_PX) -> bytes:
    """A JPEG no larger than max_px on its longer side, made in memory (upright, per EXIF).

    A photo with more pixels than can be decoded safely is refused from its header
    (sync.photo_decoding), and only a few are decoded at once.
    """
    from sync.photo_decoding import PhotoRefused, PhotoTooManyPixels, thumbnail_jpeg

    try:
        return thumbnail_jpeg(data, max_px=max_px)
    except PhotoTooManyPixels as exc:
        raise PhotoUnreadable(f"this photo can't be shown: {exc}") from exc
    except PhotoRefused as exc:
        raise PhotoUnreadable("this photo can't be shown") from exc


# --- the upload hook the sync run calls ------------------------------------------------


def upload_photos(
    device: Any,
    *,
    http: "httpx.Client | None" = None,
    transport: "httpx.BaseTransport | None" = None,
    on_progress: "Callable[[PhotoProgress], None] | None" = None,
    stop_requested: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    retry: "RetryPolicy | None" = None,
    chunk_bytes: int = UPLOAD_CHUNK_BYTES,
) -> "PhotoUploadReport":
    """Send every photo whose record the server already has; resumable, never raises SyncError.

    Call it after a sync run's push (same httpx client via `http`, or its own client made
    from `transport`). Blocking: run it off the UI thread. Photos of records not yet sent
    wait for a later call. `PhotoUploadReport.status` reads like `SyncReport.status`.
    """
    import httpx

    from fieldapp.services.enrollment import server_link
    from sync.attachments import AttachmentClient, PhotoUploader, PhotoUploadReport
    from sync.failures import NotEnrolledError

    source: PhotoStore = device.photo_uploads
    link = server_link(device)
    if link is None:
        return PhotoUploadReport(
            status="failed", error=str(NotEnrolledError()), still_pending=len(source.pending_photos())
        )
    if not source.pending_photos():
        return PhotoUploadReport()
    client = http if http is not None else httpx.Client(transport=transport)
    try:
        uploader = PhotoUploader(
            AttachmentClient(client, base_url=link.url, credential=link.credential),
            device_id=device.device_id,
            server_seal_key=link.seal_key,
            chunk_bytes=chunk_bytes,
            retry=retry,
            sleep=sleep,
            rng=rng,
            on_progress=on_progress,
            stop_requested=stop_requested,
        )
        return uploader.run(source)
    finally:
        if http is None:
            client.close()


# --- helpers -------------------------------------------------------------------------------


def _read_whole(path: Path) -> bytes:
    """A photo file's bytes (at most PHOTO_SIZE_MAX: anything longer is not a photo we hold)."""
    with open(path, "rb") as handle:
        return handle.read(PHOTO_SIZE_MAX + 1)


def _file_pieces(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while piece := handle.read(READ_BYTES):
            yield piece


def _plain_name(name: str, fallback: str) -> str:
    """A file name the record accepts: no folders, no control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF).strip()
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_MAX - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:NAME_MAX]
    return name or fallback
