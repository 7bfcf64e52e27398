"""Signed, chained records and the sealed envelopes that carry them.

A finalized record's body is the canonical JSON of the observation plus the
device id, its sequence number and the previous record's hash. The body bytes
are signed once; the signature and the body travel sealed to the server, under
a visible header (protocol version, record id, device id, sequence) that is the
seal's associated data, so a header can't be moved onto another body.
"""

import re
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from .canonical import canonical_bytes, parse_json, sha256_hex
from .crypto import SIGNATURE_BYTES, b64decode, b64encode, seal, sign, unseal, verify
from .errors import ProtocolError, SignatureError

PROTOCOL_VERSION = 1
CHAIN_KEYS = ("device_id", "seq", "prev_hash")


@dataclass(frozen=True)
class SignedRecord:
    """A finalized record: its canonical body bytes and the device's signature."""

    body: bytes
    signature: bytes

    @property
    def hash(self) -> str:
        """SHA-256 of the body: what the next record chains to, and the server's idempotency check."""
        return sha256_hex(self.body)

    def content(self) -> dict[str, Any]:
        """The body parsed (only after its signature was checked, where it matters)."""
        return parse_json(self.body)


def sign_record(
    record: dict[str, Any],
    *,
    device_id: str,
    seq: int,
    prev_hash: str | None,
    private_key: Ed25519PrivateKey,
) -> SignedRecord:
    """Encode a record canonically with its place in the device's chain, and sign it."""
    if seq < 1 or (seq == 1) != (prev_hash is None):
        raise ProtocolError("the first record has no previous hash; every later one has one")
    body = canonical_bytes({**record, "device_id": device_id, "seq": seq, "prev_hash": prev_hash})
    return SignedRecord(body=body, signature=sign(private_key, body))


def verify_record(signed: SignedRecord, public_key: bytes) -> dict[str, Any]:
    """Check the signature over the exact bytes, then parse them."""
    if not verify(public_key, signed.body, signed.signature):
        raise SignatureError()
    try:
        content = parse_json(signed.body)
    except ProtocolError as exc:
        raise ProtocolError(f"the signed body is not canonical JSON: {exc}") from exc
    if not isinstance(content, dict) or any(key not in content for key in CHAIN_KEYS):
        raise ProtocolError("the signed body lacks its chain fields")
    return content


def envelope_header(*, record_id: str, device_id: str, seq: int) -> dict[str, Any]:
    """The visible part of an envelope: enough to route and deduplicate without opening it."""
    return {"v": PROTOCOL_VERSION, "record_id": record_id, "device_id": device_id, "seq": seq}


_HEADER_KEYS = frozenset(("v", "record_id", "device_id", "seq"))
_PLAIN_ID = re.compile(r"[0-9a-f-]{1,64}")


def header_bytes(header: dict[str, Any]) -> bytes:
    """The header's canonical bytes: the seal's associated data.

    Every envelope is opened with this on the server's hot path, so a well-formed header
    (hex/UUID ids, integers) is written out directly — for such values RFC 8785 needs no
    escaping and sorts keys as below; a test holds the two equal. Anything else goes
    through the general encoder.
    """
    v, record_id, device_id, seq = (header.get(k) for k in ("v", "record_id", "device_id", "seq"))
    if (
        header.keys() == _HEADER_KEYS
        and type(v) is int
        and type(seq) is int
        and abs(seq) < 2**53
        and isinstance(record_id, str)
        and isinstance(device_id, str)
        and _PLAIN_ID.fullmatch(record_id)
        and _PLAIN_ID.fullmatch(device_id)
    ):
        return f'{{"device_id":"{device_id}","record_id":"{record_id}","seq":{seq},"v":{v}}}'.encode()
    return canonical_bytes(header)


def seal_record(signed: SignedRecord, header: dict[str, Any], server_seal_key: bytes) -> dict[str, Any]:
    """An envelope as it goes on the wire and into offline bundles."""
    sealed = seal(server_seal_key, signed.signature + signed.body, header_bytes(header))
    return {"header": header, "sealed": b64encode(sealed)}


def open_envelope(header: dict[str, Any], sealed_b64: str, server_private: X25519PrivateKey) -> SignedRecord:
    """Unseal an envelope (header bound as associated data); the signature is not checked here."""
    plaintext = unseal(server_private, b64decode(sealed_b64), header_bytes(header))
    if len(plaintext) <= SIGNATURE_BYTES:
        raise ProtocolError("the envelope holds no record")
    return SignedRecord(body=plaintext[SIGNATURE_BYTES:], signature=plaintext[:SIGNATURE_BYTES])


def check_header_matches(header: dict[str, Any], content: dict[str, Any]) -> None:
    """The signed body must say the same as the visible header."""
    if (
        content.get("id") != header.get("record_id")
        or content.get("device_id") != header.get("device_id")
        or content.get("seq") != header.get("seq")
    ):
        raise ProtocolError("the envelope header does not match the signed record")
