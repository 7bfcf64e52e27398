"""Cutting the outbox into push batches bounded by compressed bytes and by items.

Each envelope is encoded to JSON once; a batch body is those pieces joined into
a `SubmissionBatch` and gzip-compressed. Sealed envelopes are base64 of random
bytes, which gzip shrinks to about three quarters, so the compressed size is
estimated from the raw size with a ratio learned from the previous batch, then
checked exactly after compressing (trimming the batch if the estimate was low).
"""

import gzip
import json
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from .outbox import Outbox, OutboxItem
from .wire import MAX_BATCH_ITEMS

DEFAULT_MAX_BYTES = 256 * 1024
# Base64 of ciphertext is mostly Huffman-coded by deflate: level 1 is within ~2% of level 6's
# size at half its time, and the compression sits on the sync's critical path.
GZIP_LEVEL = 1
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


def split_batch(batch: Batch) -> tuple[Batch, Batch]:
    """Two halves of a batch (after a 413), each with its own body."""
    middle = len(batch.items) // 2
    first, second = batch.items[:middle], batch.items[middle:]
    return Batch(first, encode_body(first)), Batch(second, encode_body(second))


class BatchSource:
    """Batches of the outbox in send order, prepared ahead on a worker thread.

    Reading the outbox, encoding and compressing batch k+1 then happen while batch k is on
    the wire, instead of leaving the server idle. A single-thread executor advances the
    batch generator `ahead` steps in front of the consumer (one thread, so the generator is
    never run twice at once); a producer's error is raised in the consumer at that batch.
    `threaded=False` prepares each batch on demand in the caller. Iterate it; `close()`
    stops the preparing (always call it).
    """

    def __init__(self, outbox: Outbox, batcher: Batcher, *, threaded: bool = True, ahead: int = 2) -> None:
        self.outbox = outbox
        self.batcher = batcher
        self._page_size = max(batcher.max_items, 100)
        self._threaded = threaded
        self._ahead = max(1, ahead)
        self._closing = threading.Event()
        self._executor: ThreadPoolExecutor | None = None

    def __iter__(self) -> Iterator[Batch]:
        batches = self._produce()
        if not self._threaded:
            yield from batches
            return
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldapp-sync-batches")
        coming: deque[Future[Batch | None]] = deque(
            self._executor.submit(next, batches, None) for _ in range(self._ahead)
        )
        while coming:
            batch = coming.popleft().result()
            if batch is None:
                return
            coming.append(self._executor.submit(next, batches, None))
            yield batch

    def close(self) -> None:
        """Stop preparing: batches not started are dropped, the one in progress is finished."""
        self._closing.set()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _produce(self) -> Iterator[Batch]:
        after: str | None = None
        exhausted = False
        while not self._closing.is_set():
            if not exhausted and len(self.batcher.pending) < self.batcher.max_items:
                page = self.outbox.queued(after=after, limit=self._page_size)
                if page:
                    after = page[-1].record_id
                    self.batcher.pending.extend(EncodedItem.of(item) for item in page)
                exhausted = len(page) < self._page_size
            batch = self.batcher.next_batch()
            if batch is None:
                return
            yield batch
