"""Canonical JSON (RFC 8785) and the hashes taken over it.

A finalized record is encoded once; those exact bytes are hashed, chained,
signed, stored and sent. Nothing re-serializes a signed record.
"""

import hashlib
import json
import math
from typing import Any

import rfc8785

from .errors import ProtocolError

_MAX_EXACT_INT = 2**53


def canonical_bytes(value: Any) -> bytes:
    """Encode a JSON-compatible value as RFC 8785 canonical JSON."""
    if _is_plain(value):
        # For ASCII text, safe integers, booleans and null, RFC 8785 is exactly sorted,
        # compact JSON: the standard library's C encoder writes it far faster than the
        # general encoder (receipts and headers are on the server's hot path). A property
        # test holds the two equal.
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise ProtocolError(f"cannot encode canonically: {exc}") from exc


def _is_plain(value: Any) -> bool:
    """True for values made only of ASCII strings, safe integers, bools, None, lists and dicts."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, str):
        return value.isascii()
    if isinstance(value, int):
        return -_MAX_EXACT_INT < value < _MAX_EXACT_INT
    if isinstance(value, list):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and key.isascii() and _is_plain(item) for key, item in value.items())
    return False


def parse_json(data: bytes) -> Any:
    """Parse JSON as canonical JSON allows it (RFC 8785 works on I-JSON): UTF-8 only, finite numbers.

    NaN, Infinity and numbers too large for a double are refused (Python's parser would accept
    them and later answers or exports that carry them could not be written), and so is nesting
    deep enough to exhaust the parser's recursion. Every failure is one ProtocolError with a reason.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError("the text is not UTF-8") from exc
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError as exc:
        raise ProtocolError("the JSON is nested too deeply") from exc
    except ValueError as exc:
        raise ProtocolError(f"not JSON: {str(exc)[:80]}") from exc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is not a finite number")
    return value


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of some bytes (record hashes, key fingerprints)."""
    return hashlib.sha256(data).hexdigest()
