"""Wire schemas of the sync protocol, imported by both the device and the server.

Sizes are bounded here so every endpoint rejects oversized input with a 4xx.
"""

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

RECORD_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"  # a lower-case UUID
DEVICE_ID_PATTERN = r"^[0-9a-f]{32}$"  # sync.crypto.device_id_for
RecordId = Annotated[str, StringConstraints(pattern=RECORD_ID_PATTERN, min_length=36, max_length=36)]
DeviceId = Annotated[str, StringConstraints(pattern=DEVICE_ID_PATTERN, min_length=32, max_length=32)]
Base64Text = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/]*={0,2}$", max_length=200_000)]


def encodable_text(value: str) -> str:
    """Refuse text that cannot be written as UTF-8 (a lone surrogate from a `\\ud800` escape):
    stored, it would break every later answer, export or database write that carries it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode (it holds a lone surrogate)") from exc
    return value


# Free text as people type it: any Unicode that UTF-8 can carry.
Utf8Text = Annotated[str, AfterValidator(encodable_text)]

MAX_BATCH_ITEMS = 1000
# The observation kinds of the record format: one list for the device, the server and the console.
Kind = Literal[
    "unit_movement",
    "withdrawal",
    "foreign_fighters",
    "violation",
    "heavy_weapons",
    "movement_restriction",
    "other",
]
KINDS: tuple[str, ...] = get_args(Kind)
# What a verifier's review makes of a record on the server (the device adds draft, queued, sent).
ReviewState = Literal["received", "needs_info", "verified", "unverifiable", "rejected"]
REVIEW_STATES: tuple[str, ...] = get_args(ReviewState)
ItemStatus = Literal["accepted", "duplicate", "rejected"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnvelopeHeader(_Strict):
    """Visible header of a sealed record (the seal's associated data)."""

    v: Literal[1]
    record_id: RecordId
    device_id: DeviceId
    seq: int = Field(ge=1, le=2**53)


class Envelope(_Strict):
    """One sealed, signed record."""

    header: EnvelopeHeader
    sealed: Base64Text


class SubmissionBatch(_Strict):
    """POST /api/v1/submissions body (may be gzip-encoded)."""

    envelopes: list[Envelope] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class ItemResult(_Strict):
    """The server's answer for one envelope."""

    record_id: str
    status: ItemStatus
    reason: str | None = None
    # Where the record sits in the server's transparency log (accepted and duplicate items):
    # signed with the receipt, so the device can hold the server to it (docs/evidence.md).
    leaf_index: int | None = None
    tree_size: int | None = None


class SubmissionResponse(_Strict):
    """One result per submitted envelope, in order, signed by the server."""

    results: list[ItemResult]
    receipt_signature: str = Field(
        description="base64 Ed25519 signature by the server over canonical JSON of `results`"
    )


EnrollCode = Annotated[Utf8Text, StringConstraints(min_length=4, max_length=64)]


class EnrollChallenge(_Strict):
    """GET /api/v1/enroll/challenge: what the device signs its enrolment over (sync.enrollment)."""

    server_sign_key: str = Field(description="base64 Ed25519 public key that signs receipts")
    nonce: str = Field(description="opaque, made by the server; valid until `expires_at`")
    expires_at: datetime


class EnrollRequest(_Strict):
    """POST /api/v1/enroll: a one-time code and the device's public key, signed with its private key.

    `signature` is Ed25519 over `sync.enrollment.enrollment_message(...)`: the purpose label,
    then the canonical JSON of the code, device id, public key, the server's signing key and
    the challenge nonce. A public key alone enrols nothing.
    """

    code: EnrollCode
    device_id: DeviceId
    public_key: Annotated[Base64Text, StringConstraints(min_length=44, max_length=44)]
    nonce: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", min_length=16, max_length=100)]
    signature: Annotated[Base64Text, StringConstraints(min_length=88, max_length=88)]
    label: Annotated[Utf8Text, StringConstraints(max_length=100)] | None = None


class EnrollResponse(_Strict):
    """What a device keeps after enrolment."""

    device_id: DeviceId
    credential: str
    server_seal_key: str = Field(description="base64 X25519 public key records are sealed to")
    server_sign_key: str = Field(description="base64 Ed25519 public key that signs receipts")


class ReviewUpdate(_Strict):
    """A change to one of this device's records, as decided by a verifier."""

    cursor: int
    record_id: str
    state: ReviewState
    message: str | None = Field(default=None, description="the verifier's question or reason")
    changed_at: datetime


class UpdatesResponse(_Strict):
    """GET /api/v1/devices/me/updates?since=CURSOR."""

    updates: list[ReviewUpdate]
    cursor: int = Field(description="pass as `since` next time")
    more: bool


class Health(_Strict):
    """GET /api/v1/health."""

    status: Literal["ok"]
    version: str


class Bundle(_Strict):
    """An offline bundle file: the outbox's sealed envelopes, as pushed."""

    format: Literal["fieldapp-bundle"]
    v: Literal[1]
    device_id: DeviceId
    envelopes: list[Envelope] = Field(max_length=100_000)
