"""What the store hands out: plain, immutable views of observations."""

import json
from dataclasses import dataclass, field
from typing import Any

from .states import DRAFT

CHAIN_FIELDS = ("device_id", "seq", "prev_hash")


@dataclass(frozen=True)
class StatusEvent:
    """One step of a record's history: the state it reached, when, and the verifier's words."""

    state: str
    at: str
    message: str | None = None
    by: str | None = None  # for "answered"/"amended" steps: the record that answered or amended it


@dataclass(frozen=True)
class RecordView:
    """One observation as the list, the detail screen and `fieldapp show` see it.

    `record` is the observation in "Record format" (for finalized records, parsed from the
    signed body, without the chain fields). `signature` is base64.
    """

    id: str
    kind: str
    state: str
    created_at: str
    updated_at: str
    record: dict[str, Any]
    recorded_at: str | None = None
    seq: int | None = None
    prev_hash: str | None = None
    device_id: str | None = None
    signature: str | None = None
    body: bytes | None = field(default=None, repr=False)  # the exact signed bytes
    delivery_error: str | None = None
    sealed: bool = False  # queued with its envelope ready (a delivered record's is dropped)
    history: tuple[StatusEvent, ...] = ()
    message: str | None = None

    @property
    def finalized(self) -> bool:
        return self.state != DRAFT

    def to_json(self) -> dict[str, Any]:
        """Record format plus `state`, `recorded_at`, and the chain and signature once finalized."""
        out: dict[str, Any] = {**self.record, "state": self.state, "recorded_at": self.recorded_at}
        if self.finalized:
            out.update(
                device_id=self.device_id, seq=self.seq, prev_hash=self.prev_hash, signature=self.signature
            )
        return out

    @classmethod
    def from_signed_body(cls, body: bytes, **fields: Any) -> "RecordView":
        content = json.loads(body)
        recorded_at = content.pop("recorded_at", None)
        chain = {name: content.pop(name, None) for name in CHAIN_FIELDS}
        return cls(
            kind=content["kind"], record=content, recorded_at=recorded_at, body=body, **chain, **fields
        )


@dataclass(frozen=True)
class Page:
    """One page of the list, newest first; pass `next_cursor` back for the next page."""

    items: list[RecordView]
    next_cursor: str | None
