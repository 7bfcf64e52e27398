"""Canonical JSON (RFC 8785) and the hashes taken over it.

A finalized record is encoded once; those exact bytes are hashed, chained,
signed, stored and sent. Nothing re-serializes a signed record.
"""

import hashlib
from typing import Any

import rfc8785

from .errors import ProtocolError


def canonical_bytes(value: Any) -> bytes:
    """Encode a JSON-compatible value as RFC 8785 canonical JSON."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise ProtocolError(f"cannot encode canonically: {exc}") from exc


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of some bytes (record hashes, key fingerprints)."""
    return hashlib.sha256(data).hexdigest()
