"""The photo upload protocol both ends share: limits, chunk headers, sealing a chunk.

A photo goes up after its record, in chunks. Each chunk is sealed to the server's
X25519 key (`sync.crypto.seal`) with the canonical bytes of a header as associated
data: protocol version, record id, device id, the photo's signed SHA-256, the chunk's
offset and length, and the photo's total size. The server rebuilds that header from
what it knows (path, query, the authenticated device, the signed record, the body's
length), so a chunk replayed at another offset, for another photo or another device,
or changed on the way, fails to open. See docs/photos.md.
"""

from dataclasses import dataclass
from typing import Any, Literal, get_args

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pydantic import BaseModel, ConfigDict, Field

from .canonical import canonical_bytes
from .crypto import NONCE_BYTES, PUBLIC_KEY_BYTES, seal, unseal
from .errors import DecryptionError

PHOTO_SIZE_MAX = 20 * 1024 * 1024  # per photo, on the device and on the server
PHOTOS_PER_RECORD_MAX = 10
UPLOAD_CHUNK_BYTES = 256 * 1024  # what the device sends per request
CHUNK_BYTES_MAX = 1024 * 1024  # the largest chunk the server opens
PHOTO_MIME_TYPES: tuple[str, ...] = ("image/jpeg", "image/png")
SEAL_OVERHEAD = PUBLIC_KEY_BYTES + NONCE_BYTES + 16  # ephemeral key, nonce, GCM tag
CHUNK_HEADER_KIND = "photo-chunk"

UploadState = Literal["pending", "uploading", "done"]  # how far the device got with one photo
UPLOAD_STATES: tuple[str, ...] = get_args(UploadState)


@dataclass(frozen=True)
class PendingPhoto:
    """One photo the device still has to send (its record is already on the server)."""

    record_id: str
    sha256: str
    size: int


class AttachmentStatus(BaseModel):
    """What the server holds of one photo: GET and every chunk POST answer with this."""

    model_config = ConfigDict(extra="forbid")

    record_id: str
    sha256: str
    size: int = Field(description="the photo's size in bytes, as signed in its record")
    received: int = Field(description="bytes the server holds; the next chunk starts here")
    complete: bool = Field(description="the whole photo arrived and matched its signed SHA-256")


def chunk_header(
    *, record_id: str, device_id: str, sha256: str, offset: int, length: int, size: int
) -> dict[str, Any]:
    """The visible facts of one chunk, bound to its sealed bytes as associated data."""
    return {
        "v": 1,
        "kind": CHUNK_HEADER_KIND,
        "record_id": record_id,
        "device_id": device_id,
        "sha256": sha256,
        "offset": offset,
        "length": length,
        "size": size,
    }


def seal_chunk(server_seal_key: bytes, chunk: bytes, header: dict[str, Any]) -> bytes:
    """The chunk encrypted to the server, its header as associated data."""
    return seal(server_seal_key, chunk, canonical_bytes(header))


def open_chunk(server_private: X25519PrivateKey, sealed: bytes, header: dict[str, Any]) -> bytes:
    """Reverse `seal_chunk`; a changed chunk or a header that differs is one DecryptionError."""
    chunk = unseal(server_private, sealed, canonical_bytes(header))
    if len(chunk) != header["length"]:
        raise DecryptionError()
    return chunk


def chunk_length_of(sealed_size: int) -> int:
    """The plaintext length a sealed chunk of `sealed_size` bytes carries (-1 if too short)."""
    return sealed_size - SEAL_OVERHEAD if sealed_size >= SEAL_OVERHEAD else -1
