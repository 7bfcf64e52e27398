"""The device's resumable photo uploader: after a record is on the server, its photos follow.

For each photo the device still has to send, the uploader asks the server how many
bytes it holds (GET), then sends the rest in sealed chunks (POST, ~256 KiB each) from
there. A cut connection, a timeout or a 5xx backs off (sync.retry) and asks again, so
nothing already on the server is sent twice and nothing is lost. A chunk the server
could not open (changed on the way) is sent again, a bounded number of times. When the
last byte arrives the server checks the whole photo against the SHA-256 signed in the
record; a mismatch is refused and the server throws the partial upload away.

The device's store is reached only through `PhotoSource` (the app implements it), so
this module never imports `fieldapp`; HTTP goes through the httpx client passed in.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import httpx
from pydantic import ValidationError

from .attachment_protocol import (
    UPLOAD_CHUNK_BYTES,
    AttachmentStatus,
    PendingPhoto,
    UploadState,
    chunk_header,
    seal_chunk,
)
from .errors import SyncError
from .failures import ServerRefusedError, Stopped, TransportError
from .report import Status, status_of
from .retry import RetryPolicy
from .transport import network_errors_as_sync_errors, raise_for_status

API = "/api/v1"
TIMEOUT = httpx.Timeout(60.0, connect=5.0)
MAX_RESENDS = 3  # a chunk the server could not open is sent again at most this often

PhotoOutcomeKind = Literal["uploaded", "incomplete", "refused"]


class PhotoSource(Protocol):
    """The device's photo store as the uploader sees it."""

    def pending_photos(self) -> list[PendingPhoto]:
        """Photos of records the server has accepted that are not uploaded yet, oldest first."""
        ...

    def read_photo_range(self, record_id: str, sha256: str, offset: int, length: int) -> bytes:
        """`length` bytes of the original photo from `offset` (fewer at the end)."""
        ...

    def mark_photo(
        self, record_id: str, sha256: str, state: UploadState, *, error: str | None = None
    ) -> None:
        """Remember how far this photo got (and the server's reason, if it refused it)."""
        ...


@dataclass(frozen=True)
class PhotoOutcome:
    """What happened to one photo in this run."""

    record_id: str
    sha256: str
    outcome: PhotoOutcomeKind
    reason: str | None = None


@dataclass(frozen=True)
class PhotoProgress:
    """Photo `index` (from 1) of `total`; bytes the server holds of the photos in this run."""

    index: int
    total: int
    bytes_done: int
    bytes_total: int


@dataclass
class PhotoUploadReport:
    """The result of one upload run; `status` reads like the sync report's."""

    status: Status = "done"
    outcomes: list[PhotoOutcome] = field(default_factory=list)
    still_pending: int = 0
    bytes_sent: int = 0  # plaintext photo bytes sent in chunks (resent ones counted again)
    chunks_resent: int = 0
    error: str | None = None

    @property
    def uploaded(self) -> int:
        return sum(1 for o in self.outcomes if o.outcome == "uploaded")

    @property
    def refused(self) -> int:
        return sum(1 for o in self.outcomes if o.outcome == "refused")

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "uploaded": self.uploaded,
            "refused": self.refused,
            "still_pending": self.still_pending,
            "bytes_sent": self.bytes_sent,
            "chunks_resent": self.chunks_resent,
            "error": self.error,
            "photos": [
                {"record_id": o.record_id, "sha256": o.sha256, "outcome": o.outcome, "reason": o.reason}
                for o in self.outcomes
            ],
        }


class ChunkDamaged(ServerRefusedError):
    """The server could not open a chunk (changed on the way); it will be sent again."""


class HashRefused(ServerRefusedError):
    """The server refused the photo: its bytes do not match the signed SHA-256."""


class OffsetMoved(ServerRefusedError):
    """The server holds a different number of bytes than this chunk assumed."""


class PhotoUnknown(ServerRefusedError):
    """The server does not know this photo's record (or the record does not list it)."""


# What the attachment routes mean by these statuses (server/api/attachment_routes.py).
_PHOTO_REFUSALS: dict[int, type[ServerRefusedError]] = {
    400: ChunkDamaged,
    404: PhotoUnknown,
    409: OffsetMoved,
    422: HashRefused,
}


class AttachmentClient:
    """The two photo calls, over an httpx client owned by the caller."""

    def __init__(self, http: httpx.Client, *, base_url: str, credential: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/") + API
        self._auth = {"Authorization": f"Bearer {credential}"}

    def status(self, record_id: str, sha256: str) -> AttachmentStatus:
        return self._call("GET", f"/attachments/{record_id}/{sha256}")

    def send_chunk(self, record_id: str, sha256: str, offset: int, sealed: bytes) -> AttachmentStatus:
        headers = {"Content-Type": "application/octet-stream"}
        return self._call(
            "POST",
            f"/attachments/{record_id}/{sha256}",
            params={"offset": offset},
            content=sealed,
            headers=headers,
        )

    def _call(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any):
        with network_errors_as_sync_errors():
            response = self._http.request(
                method,
                self._base + path,
                headers={**self._auth, **(headers or {})},
                timeout=TIMEOUT,
                **kwargs,
            )
        raise_for_status(response, refusals=_PHOTO_REFUSALS)
        try:
            return AttachmentStatus.model_validate_json(response.content)
        except ValidationError as exc:
            raise TransportError("the server's answer about a photo could not be read") from exc


class PhotoUploader:
    """Uploads every pending photo of one device. Time and randomness are parameters."""

    def __init__(
        self,
        client: AttachmentClient,
        *,
        device_id: str,
        server_seal_key: bytes,
        chunk_bytes: int = UPLOAD_CHUNK_BYTES,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_progress: Callable[[PhotoProgress], None] | None = None,
        stop_requested: Callable[[], bool] = lambda: False,
    ) -> None:
        self.client = client
        self.device_id = device_id
        self.server_seal_key = server_seal_key
        self.chunk_bytes = chunk_bytes
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.rng = rng or random.SystemRandom()
        self.on_progress = on_progress
        self.stop_requested = stop_requested

    def run(self, source: PhotoSource) -> PhotoUploadReport:
        """Send every pending photo; never raises SyncError (the report says what happened)."""
        report = PhotoUploadReport()
        pending = source.pending_photos()
        total_bytes = sum(p.size for p in pending)
        done_before = 0
        try:
            for index, photo in enumerate(pending, 1):
                if self.stop_requested():
                    raise Stopped()
                outcome = self._upload_one(
                    source, photo, report, index, len(pending), total_bytes, done_before
                )
                report.outcomes.append(outcome)
                done_before += photo.size
        except SyncError as exc:
            report.status, report.error = status_of(exc)
        finished = {(o.record_id, o.sha256) for o in report.outcomes if o.outcome == "uploaded"}
        report.still_pending = sum(1 for p in pending if (p.record_id, p.sha256) not in finished)
        return report

    # -- one photo ---------------------------------------------------------------------

    def _upload_one(
        self,
        source: PhotoSource,
        photo: PendingPhoto,
        report: PhotoUploadReport,
        index: int,
        total: int,
        total_bytes: int,
        done_before: int,
    ) -> PhotoOutcome:
        def progress(received: int) -> None:
            if self.on_progress is not None:
                self.on_progress(PhotoProgress(index, total, done_before + received, total_bytes))

        try:
            status = self._with_retries(lambda: self.client.status(photo.record_id, photo.sha256))
        except (PhotoUnknown, ServerRefusedError) as exc:
            return self._refused(source, photo, exc)
        if status.size != photo.size:
            return self._refused(
                source, photo, ServerRefusedError("the server's size differs from the signed one")
            )
        source.mark_photo(photo.record_id, photo.sha256, "uploading")
        offset, resends = status.received, 0
        progress(offset)
        while not status.complete:
            if self.stop_requested():
                raise Stopped()
            chunk = source.read_photo_range(photo.record_id, photo.sha256, offset, self.chunk_bytes)
            header = chunk_header(
                record_id=photo.record_id,
                device_id=self.device_id,
                sha256=photo.sha256,
                offset=offset,
                length=len(chunk),
                size=photo.size,
            )
            sealed = seal_chunk(self.server_seal_key, chunk, header)
            try:
                report.bytes_sent += len(chunk)
                status = self._send(photo, offset, sealed)
            except ChunkDamaged as exc:
                resends += 1
                report.chunks_resent += 1
                if resends > MAX_RESENDS:
                    source.mark_photo(
                        photo.record_id, photo.sha256, "uploading", error=exc.reason or str(exc)
                    )
                    return PhotoOutcome(photo.record_id, photo.sha256, "incomplete", exc.reason or str(exc))
                continue
            except HashRefused as exc:
                # The server threw its copy away; the next run starts this photo again from 0.
                source.mark_photo(photo.record_id, photo.sha256, "pending", error=exc.reason or str(exc))
                return PhotoOutcome(photo.record_id, photo.sha256, "refused", exc.reason or str(exc))
            except (PhotoUnknown, ServerRefusedError) as exc:
                return self._refused(source, photo, exc)
            offset, resends = status.received, 0
            progress(offset)
        source.mark_photo(photo.record_id, photo.sha256, "done")
        return PhotoOutcome(photo.record_id, photo.sha256, "uploaded")

    def _send(self, photo: PendingPhoto, offset: int, sealed: bytes) -> AttachmentStatus:
        """POST one chunk; after a cut or a moved offset, ask the server where it stands."""
        attempt = 0
        while True:
            try:
                return self.client.send_chunk(photo.record_id, photo.sha256, offset, sealed)
            except OffsetMoved:
                # Typically: the chunk arrived before a cut answer. The caller continues from here.
                return self._with_retries(lambda: self.client.status(photo.record_id, photo.sha256))
            except TransportError as error:
                attempt = self._wait(attempt, error)
                status = self._with_retries(lambda: self.client.status(photo.record_id, photo.sha256))
                if status.received != offset or status.complete:
                    return status

    def _with_retries(self, call: Callable[[], AttachmentStatus]) -> AttachmentStatus:
        attempt = 0
        while True:
            try:
                return call()
            except TransportError as error:
                attempt = self._wait(attempt, error)

    def _wait(self, attempt: int, error: TransportError) -> int:
        if attempt + 1 >= self.retry.attempts:
            raise error
        delay = self.retry.wait_for(attempt, error, self.rng)
        if self.stop_requested():
            raise Stopped()
        self.sleep(delay)
        return attempt + 1

    @staticmethod
    def _refused(source: PhotoSource, photo: PendingPhoto, exc: ServerRefusedError) -> PhotoOutcome:
        reason = exc.reason or str(exc)
        source.mark_photo(photo.record_id, photo.sha256, "pending", error=reason)
        return PhotoOutcome(photo.record_id, photo.sha256, "refused", reason)
