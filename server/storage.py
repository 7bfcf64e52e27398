"""Where photo bytes live: a small interface, and the filesystem implementation.

The upload protocol appends chunks to a *part* (one per record + photo being uploaded),
then, once the whole part matches the signed SHA-256, commits it as the stored photo,
named by that hash (two reports listing the same photo share one copy). The
S3-API store (server/s3_storage.py) has the same shape: parts are chunk objects under
`partial/`, a commit writes `photos/<sha256>` once, reads are GETs.
"""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from .settings import Settings

READ_BYTES = 256 * 1024
ATTACHMENTS_DIR = "attachments"


class AttachmentStore(Protocol):
    """Photo storage as the attachment routes and the exports use it."""

    def write_part(self, part_id: str, offset: int, data: bytes) -> None:
        """Write `data` at `offset` of the part (made if new); anything after it is dropped."""
        ...

    def part_sha256(self, part_id: str) -> str:
        """SHA-256 hex of the part's bytes as they are now."""
        ...

    def discard_part(self, part_id: str) -> None:
        """Throw a partial upload away (nothing if there is none)."""
        ...

    def commit_part(self, part_id: str, sha256: str) -> None:
        """Make the part the stored photo `sha256` (atomically; the part is gone afterwards)."""
        ...

    def has(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int: ...

    def iter_photo(self, sha256: str) -> Iterator[bytes]:
        """The stored photo's bytes, in pieces."""
        ...

    def ready(self) -> None:
        """Raise unless the store can be written now (GET /api/v1/ready)."""
        ...


def check_part_id(part_id: str) -> str:
    if not part_id or "/" in part_id or part_id.startswith("."):
        raise ValueError("bad part id")
    return part_id


def check_sha256(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("bad sha256")
    return sha256


class FilesystemAttachmentStore:
    """Parts in `<root>/partial/`, photos in `<root>/photos/<first two hex>/<sha256>`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _part(self, part_id: str) -> Path:
        return self.root / "partial" / check_part_id(part_id)

    def _photo(self, sha256: str) -> Path:
        return self.root / "photos" / check_sha256(sha256)[:2] / sha256

    def write_part(self, part_id: str, offset: int, data: bytes) -> None:
        path = self._part(part_id)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+b") as handle:
            handle.seek(offset)
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())  # an answer that says "received" means on disk

    def part_sha256(self, part_id: str) -> str:
        digest = hashlib.sha256()
        with open(self._part(part_id), "rb") as handle:
            while piece := handle.read(READ_BYTES):
                digest.update(piece)
        return digest.hexdigest()

    def discard_part(self, part_id: str) -> None:
        self._part(part_id).unlink(missing_ok=True)

    def commit_part(self, part_id: str, sha256: str) -> None:
        target = self._photo(sha256)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if target.is_file():  # written once: a second upload of the same hash changes nothing
            self.discard_part(part_id)
            return
        os.replace(self._part(part_id), target)

    def has(self, sha256: str) -> bool:
        return self._photo(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self._photo(sha256).stat().st_size

    def iter_photo(self, sha256: str) -> Iterator[bytes]:
        with open(self._photo(sha256), "rb") as handle:
            while piece := handle.read(READ_BYTES):
                yield piece


    def ready(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"{self.root} is not writable")


def attachment_store_for(settings: Settings) -> AttachmentStore:
    """The store the settings call for: an S3 bucket when `attachments_url` is set
    (FIELDAPP_ATTACHMENTS_URL=s3://bucket/prefix), else the filesystem under the data dir."""
    if settings.attachments_url:
        from .s3_storage import S3AttachmentStore

        return S3AttachmentStore(settings.attachments_url)
    return FilesystemAttachmentStore(settings.data_dir / ATTACHMENTS_DIR)
