"""One photo encrypted at rest: chunked AES-256-GCM, streamed, random access by chunk.

Layout of `attachments/<file id>.photo`:

    header   "FAPHOTO1" | chunk size (u32 BE) | photo size (u64 BE) | nonce prefix (7 bytes)
    chunk 0  AES-GCM(plain[0:C])      || 16-byte tag
    chunk 1  AES-GCM(plain[C:2C])     || tag
    ...
    chunk n-1 (the last, possibly shorter)

Each chunk's nonce is `prefix || index (u32 BE) || final flag (1 byte)` and its associated
data is `fieldapp/v1/photo/<record id>/<sha256>/` + the header + index + final flag, under
a key made for this one file (kept, wrapped by the data key, in the attachment's row). So a
chunk can't be moved within the file, to another file, to another record or photo; the
size in the header is authenticated by every chunk, and only the last chunk carries the
final flag, so a cut or extended file is detected (the STREAM construction, as in Tink's
streaming AEAD). The photo never exists in clear on disk, and neither writing nor reading
holds more than one chunk at a time beyond what the caller asks for.
"""

import hashlib
import os
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import DamagedPhoto, PhotoChanged

MAGIC = b"FAPHOTO1"
HEADER = struct.Struct(">8sIQ7s")
CHUNK_BYTES = 64 * 1024
TAG_BYTES = 16
PREFIX_BYTES = 7
AAD_TAG = b"fieldapp/v1/photo/"


def chunk_count(size: int, chunk_bytes: int) -> int:
    return max(1, -(-size // chunk_bytes))


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if final else 0)


def _aad(record_id: str, sha256: str, header: bytes, index: int, final: bool) -> bytes:
    return AAD_TAG + f"{record_id}/{sha256}/".encode() + header + struct.pack(">IB", index, 1 if final else 0)


def write_sealed_photo(
    path: Path,
    pieces: Iterable[bytes],
    *,
    key: bytes,
    record_id: str,
    sha256: str,
    size: int,
    chunk_bytes: int = CHUNK_BYTES,
) -> None:
    """Encrypt `pieces` (the photo, in any slices) into `path`, checking size and SHA-256.

    Written to a temporary name and renamed once complete and flushed; if the bytes are not
    `size` long or don't hash to `sha256` (the file changed since it was hashed), nothing
    stays on disk and PhotoChanged is raised.
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.tmp")
    prefix = os.urandom(PREFIX_BYTES)
    header = HEADER.pack(MAGIC, chunk_bytes, size, prefix)
    total = chunk_count(size, chunk_bytes)
    aead = AESGCM(key)
    digest = hashlib.sha256()
    written = 0
    index = 0
    buffer = bytearray()
    try:
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            out.write(header)

            def emit(chunk: bytes) -> None:
                nonlocal index
                final = index == total - 1
                if index >= total:
                    raise PhotoChanged()
                out.write(
                    aead.encrypt(
                        _nonce(prefix, index, final), chunk, _aad(record_id, sha256, header, index, final)
                    )
                )
                index += 1

            for piece in pieces:
                digest.update(piece)
                written += len(piece)
                if written > size:
                    raise PhotoChanged()
                buffer += piece
                while len(buffer) > chunk_bytes or (len(buffer) == chunk_bytes and written < size):
                    emit(bytes(buffer[:chunk_bytes]))
                    del buffer[:chunk_bytes]
            if written != size or digest.hexdigest() != sha256:
                raise PhotoChanged()
            emit(bytes(buffer))
            if index != total:
                raise PhotoChanged()
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


class SealedPhoto:
    """Read access to one sealed photo file (any failure is the one DamagedPhoto)."""

    def __init__(self, path: Path, *, key: bytes, record_id: str, sha256: str) -> None:
        self.path = Path(path)
        self._aead = AESGCM(key)
        self._record_id = record_id
        self._sha256 = sha256
        try:
            with open(self.path, "rb") as handle:
                self._header = handle.read(HEADER.size)
            magic, self.chunk_bytes, self.size, self._prefix = HEADER.unpack(self._header)
        except (OSError, struct.error) as exc:
            raise DamagedPhoto() from exc
        if magic != MAGIC or self.chunk_bytes <= 0:
            raise DamagedPhoto()
        self._chunks = chunk_count(self.size, self.chunk_bytes)

    def read_range(self, offset: int, length: int) -> bytes:
        """`length` bytes from `offset` (fewer at the end); only the chunks needed are decrypted."""
        if offset < 0 or length < 0:
            raise ValueError("offset and length must be 0 or more")
        end = min(self.size, offset + length)
        if offset >= end:
            return b""
        first, last = offset // self.chunk_bytes, (end - 1) // self.chunk_bytes
        out = bytearray()
        with open(self.path, "rb") as handle:
            for index in range(first, last + 1):
                out += self._chunk(handle, index)
        start = offset - first * self.chunk_bytes
        return bytes(out[start : start + (end - offset)])

    def iter_chunks(self) -> Iterator[bytes]:
        """The whole photo, chunk by chunk, its SHA-256 checked at the end."""
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            for index in range(self._chunks):
                chunk = self._chunk(handle, index)
                digest.update(chunk)
                yield chunk
            if handle.read(1):
                raise DamagedPhoto()
        if digest.hexdigest() != self._sha256:
            raise DamagedPhoto()

    def read_all(self) -> bytes:
        return b"".join(self.iter_chunks())

    def _chunk(self, handle, index: int) -> bytes:
        final = index == self._chunks - 1
        plain_len = self.size - index * self.chunk_bytes if final else self.chunk_bytes
        handle.seek(HEADER.size + index * (self.chunk_bytes + TAG_BYTES))
        blob = handle.read(plain_len + TAG_BYTES)
        if len(blob) != plain_len + TAG_BYTES:
            raise DamagedPhoto()
        try:
            return self._aead.decrypt(
                _nonce(self._prefix, index, final),
                blob,
                _aad(self._record_id, self._sha256, self._header, index, final),
            )
        except (InvalidTag, ValueError) as exc:
            raise DamagedPhoto() from exc
