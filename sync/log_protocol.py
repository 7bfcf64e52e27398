"""The transparency log's protocol both ends share: leaf encodings, signed tree heads, wire shapes.

A leaf is a purpose label line followed by canonical JSON (RFC 8785), so a record leaf can
never be read as a decision leaf or as anything else the server signs:

    fieldapp/v1/log-leaf/record\\n{"body_hash":…,"device_id":…,"prev_hash":…,"received_at":…,"record_id":…,"seq":…}
    fieldapp/v1/log-leaf/decision\\n{"actor":…,"at":…,"event_id":…,"from_state":…,"reason_sha256":…,"record_id":…,"to_state":…}

A signed tree head (STH) is the server's Ed25519 signature over

    fieldapp/v1/tree-head\\n{"root_hash":"<hex>","timestamp":"<UTC ISO 8601>","tree_size":<n>}

Leaves are hashed into the tree by `sync.merkle.leaf_hash` (RFC 6962's 0x00 prefix).
"""

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .canonical import canonical_bytes, sha256_hex
from .crypto import b64decode, b64encode, sign, verify
from .errors import ProtocolError
from .wire import Base64Text, RecordId

TREE_HEAD_LABEL = b"fieldapp/v1/tree-head\n"
RECORD_LEAF_LABEL = b"fieldapp/v1/log-leaf/record\n"
DECISION_LEAF_LABEL = b"fieldapp/v1/log-leaf/decision\n"
MAX_TREE_SIZE = 2**62
MAX_PROOF_HASHES = 128  # two per tree level at most, for any tree this size could reach
HexHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$", min_length=64, max_length=64)]


def format_time(moment: datetime) -> str:
    """The one text form of a moment in leaves and tree heads: UTC, microseconds, `Z`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class RecordLeaf:
    """An accepted record as the log commits to it: the hash of its exact signed bytes, its
    place in its device's chain (seq, prev_hash) and when the server received it."""

    record_id: str
    device_id: str
    seq: int
    prev_hash: str | None
    body_hash: str
    received_at: str

    label = RECORD_LEAF_LABEL

    def encode(self) -> bytes:
        # Spelled out rather than `asdict` (a deep copy): this runs once per accepted record.
        fields = {
            "record_id": self.record_id,
            "device_id": self.device_id,
            "seq": self.seq,
            "prev_hash": self.prev_hash,
            "body_hash": self.body_hash,
            "received_at": self.received_at,
        }
        return self.label + canonical_bytes(fields)


@dataclass(frozen=True)
class DecisionLeaf:
    """A verifier's decision as the log commits to it (the reason by its SHA-256 of UTF-8)."""

    event_id: int
    record_id: str
    actor: str
    at: str
    from_state: str
    to_state: str
    reason_sha256: str | None

    label = DECISION_LEAF_LABEL

    def encode(self) -> bytes:
        return self.label + canonical_bytes(asdict(self))

    @staticmethod
    def reason_hash(reason: str | None) -> str | None:
        return None if reason is None else sha256_hex(reason.encode("utf-8"))


_LEAF_TYPES: dict[bytes, type[RecordLeaf] | type[DecisionLeaf]] = {
    RECORD_LEAF_LABEL: RecordLeaf,
    DECISION_LEAF_LABEL: DecisionLeaf,
}


def decode_leaf(data: bytes) -> RecordLeaf | DecisionLeaf:
    """Parse a leaf; only the canonical encoding of a known leaf type is accepted."""
    label, newline, rest = data.partition(b"\n")
    kind = _LEAF_TYPES.get(label + newline)
    if kind is None:
        raise ProtocolError("not a FieldApp log leaf")
    try:
        fields = json.loads(rest)
        leaf = kind(**fields)
    except (ValueError, TypeError) as exc:
        raise ProtocolError("a log leaf that cannot be read") from exc
    if leaf.encode() != data:
        raise ProtocolError("a log leaf not in canonical form")
    return leaf


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignedTreeHead(_Strict):
    """The server's signed statement of the log's size and root at a moment."""

    tree_size: int = Field(ge=0, le=MAX_TREE_SIZE)
    root_hash: HexHash
    timestamp: Annotated[str, StringConstraints(max_length=40)]
    signature: Annotated[Base64Text, StringConstraints(min_length=88, max_length=88)] = Field(
        description="base64 Ed25519 signature by the server's signing key over `signed_bytes()`"
    )

    def signed_bytes(self) -> bytes:
        return tree_head_bytes(self.tree_size, bytes.fromhex(self.root_hash), self.timestamp)

    @property
    def root(self) -> bytes:
        return bytes.fromhex(self.root_hash)


def tree_head_bytes(tree_size: int, root: bytes, timestamp: str) -> bytes:
    body = {"root_hash": root.hex(), "timestamp": timestamp, "tree_size": tree_size}
    return TREE_HEAD_LABEL + canonical_bytes(body)


def sign_tree_head(
    private_key: Ed25519PrivateKey, tree_size: int, root: bytes, moment: datetime
) -> SignedTreeHead:
    timestamp = format_time(moment)
    signature = sign(private_key, tree_head_bytes(tree_size, root, timestamp))
    return SignedTreeHead(
        tree_size=tree_size, root_hash=root.hex(), timestamp=timestamp, signature=b64encode(signature)
    )


def verify_tree_head(head: SignedTreeHead, public_key: bytes) -> bool:
    try:
        signature = b64decode(head.signature)
    except ProtocolError:
        return False
    return verify(public_key, head.signed_bytes(), signature)


class InclusionProof(_Strict):
    """GET /api/v1/log/proof: where a record's leaf sits in the tree of `tree_size`, and why."""

    leaf_index: int = Field(ge=0, le=MAX_TREE_SIZE)
    tree_size: int = Field(ge=1, le=MAX_TREE_SIZE)
    leaf: Annotated[Base64Text, StringConstraints(max_length=4000)] = Field(description="base64 leaf bytes")
    audit_path: list[HexHash] = Field(max_length=MAX_PROOF_HASHES)

    def leaf_bytes(self) -> bytes:
        return b64decode(self.leaf)

    def path(self) -> list[bytes]:
        return [bytes.fromhex(h) for h in self.audit_path]


class ConsistencyProof(_Strict):
    """GET /api/v1/log/consistency: the tree of `to_size` extends the tree of `from_size`."""

    from_size: int = Field(ge=1, le=MAX_TREE_SIZE)
    to_size: int = Field(ge=1, le=MAX_TREE_SIZE)
    proof: list[HexHash] = Field(max_length=MAX_PROOF_HASHES)

    def path(self) -> list[bytes]:
        return [bytes.fromhex(h) for h in self.proof]


class LogAlarmReport(_Strict):
    """POST /api/v1/log/alarms: a device found the log inconsistent with what it kept or was told."""

    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    detected_at: datetime
    kept_head: SignedTreeHead | None = None
    seen_head: SignedTreeHead | None = None
    record_id: RecordId | None = None


class LogAlarm(LogAlarmReport):
    """An alarm as administrators see it."""

    id: int
    device_id: str
    received_at: datetime
    heads_signed_by_server: bool = Field(
        description="every head the device sent carries this server's valid signature (proof, not rumour)"
    )
