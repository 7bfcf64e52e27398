"""Cutting the outbox into push batches bounded by compressed bytes and by items.

Each envelope is encoded to JSON once; a batch body is those pieces joined into
a `SubmissionBatch` and gzip-compressed. Sealed envelopes are base64 of random
bytes, which gzip shrinks to about three quarters, so the compressed size is
estimated from the raw size with a ratio learned from the previous batch, then
checked exactly after compressing (trimming the batch if the estimate was low).
"""

import gzip
import json
from collections import deque
from dataclasses import dataclass, field

from .outbox import OutboxItem
from .wire import MAX_BATCH_ITEMS

DEFAULT_MAX_BYTES = 256 * 1024
GZIP_LEVEL = 6
_HEAD = b'{"envelopes":['
_TAIL = b"]}"


@dataclass
class EncodedItem:
    """An outbox item with its envelope's JSON bytes, encoded once."""

    item: OutboxItem
    json: bytes

    @classmethod
    def of(cls, item: OutboxItem) -> "EncodedItem":
        return cls(item, json.dumps(item.envelope, separators=(",", ":")).encode())


@dataclass
class Batch:
    """Items to send together and the exact gzip body that carries them."""

    items: list[EncodedItem]
    body: bytes

    @property
    def record_ids(self) -> list[str]:
        return [e.item.record_id for e in self.items]


def encode_body(items: list[EncodedItem]) -> bytes:
    """The gzip-compressed SubmissionBatch JSON for these items."""
    raw = _HEAD + b",".join(e.json for e in items) + _TAIL
    return gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)


@dataclass
class Batcher:
    """Takes batches off the front of a queue of encoded items."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_items: int = MAX_BATCH_ITEMS
    ratio: float = 0.8  # compressed / raw, refined after every batch
    pending: deque[EncodedItem] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self.max_items = max(1, min(self.max_items, MAX_BATCH_ITEMS))

    def next_batch(self) -> Batch | None:
        """The next batch from `pending` (removed from it), or None when empty.

        A single envelope larger than the limit still goes alone: the server's
        own limit decides whether it is acceptable.
        """
        if not self.pending:
            return None
        budget = self.max_bytes / max(self.ratio, 0.05)
        chosen: list[EncodedItem] = []
        raw = len(_HEAD) + len(_TAIL)
        for encoded in self.pending:
            if chosen and (len(chosen) >= self.max_items or raw + len(encoded.json) + 1 > budget):
                break
            chosen.append(encoded)
            raw += len(encoded.json) + 1
        body = encode_body(chosen)
        while len(body) > self.max_bytes and len(chosen) > 1:
            # The estimate was low: shrink in proportion (a little extra) and try again.
            keep = max(1, min(len(chosen) - 1, int(len(chosen) * self.max_bytes / len(body) * 0.95)))
            chosen = chosen[:keep]
            raw = len(_HEAD) + len(_TAIL) + sum(len(e.json) + 1 for e in chosen)
            body = encode_body(chosen)
        self.ratio = len(body) / raw
        for _ in chosen:
            self.pending.popleft()
        return Batch(chosen, body)

    def put_back(self, batch: Batch) -> None:
        """Return a batch's items to the front of the queue (e.g. after a 413)."""
        self.pending.extendleft(reversed(batch.items))
