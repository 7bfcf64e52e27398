"""In-memory stand-ins for unit tests of the engine: an Outbox and a server behind MockTransport."""

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.canonical import canonical_bytes
from sync.crypto import b64encode
from sync.outbox import OutboxItem
from sync.wire import ItemResult, ReviewUpdate
from tests.support.devices import make_device


@dataclass
class MemoryOutbox:
    """The Outbox protocol over dicts: queued items in order, states, rejection reasons, updates."""

    items: list[OutboxItem] = field(default_factory=list)
    state: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    review: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    cursor: int = 0
    mark_calls: int = 0
    applied: list[tuple[int, int]] = field(default_factory=list)  # (len(updates), cursor) per call

    def add(self, envelope: dict[str, Any]) -> None:
        item = OutboxItem(envelope["header"]["record_id"], envelope, len(json.dumps(envelope)))
        self.items.append(item)
        self.state[item.record_id] = "queued"

    def _sendable(self) -> list[OutboxItem]:
        return [
            i for i in self.items if self.state[i.record_id] == "queued" and i.record_id not in self.reasons
        ]

    def count_queued(self) -> int:
        return len(self._sendable())

    def queued(self, *, after: str | None, limit: int) -> list[OutboxItem]:
        items = self._sendable()
        if after is not None:
            order = [i.record_id for i in self.items]
            position = order.index(after)
            items = [i for i in items if order.index(i.record_id) > position]
        return items[:limit]

    def mark_results(self, results: list[ItemResult]) -> None:
        self.mark_calls += 1
        for result in results:
            if result.status in ("accepted", "duplicate"):
                self.state[result.record_id] = "sent"
            else:
                self.reasons[result.record_id] = result.reason or "rejected"

    def update_cursor(self) -> int:
        return self.cursor

    def apply_updates(self, updates: list[ReviewUpdate], cursor: int) -> None:
        for update in updates:
            self.review[update.record_id] = (update.state, update.message)
            self.state[update.record_id] = update.state
        self.cursor = cursor
        self.applied.append((len(updates), cursor))


def filled_outbox(count: int, *, seed: int = 1) -> MemoryOutbox:
    """An outbox with `count` real signed and sealed envelopes (sealed to a throwaway key)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    device = make_device(seed, server_seal_key=X25519PrivateKey.generate().public_key().public_bytes_raw())
    outbox = MemoryOutbox()
    for envelope in device.envelopes(count):
        outbox.add(envelope)
    return outbox


Responder = Callable[[httpx.Request], httpx.Response | None]


@dataclass
class FakeServer:
    """A server behind httpx.MockTransport: signs receipts, keeps what it accepted.

    `script` is a list of responders tried first, one per request (None = answer normally),
    so a test can inject 503s, cuts or bad receipts into chosen requests.
    """

    sign_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    stored: dict[str, str] = field(default_factory=dict)  # record id -> sealed text
    reject: dict[str, str] = field(default_factory=dict)  # record id -> reason
    script: list[Responder | None] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)  # raw (compressed) submission bodies
    updates: list[dict[str, Any]] = field(default_factory=list)
    corrupt_receipts: bool = False

    @property
    def public_sign_key(self) -> bytes:
        return self.sign_key.public_key().public_bytes_raw()

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            responder = self.script.pop(0)
            if responder is not None:
                answer = responder(request)
                if answer is not None:
                    return answer
        path = request.url.path
        if path == "/api/v1/health":
            return httpx.Response(200, json={"status": "ok", "version": "test"})
        if request.headers.get("Authorization") != "Bearer cred":
            return httpx.Response(401, json={"detail": "unknown credential"})
        if path == "/api/v1/submissions":
            return self._submit(request)
        if path == "/api/v1/devices/me/updates":
            return self._updates(request)
        return httpx.Response(404, json={"detail": "no such route"})

    def _submit(self, request: httpx.Request) -> httpx.Response:
        raw = request.content
        self.bodies.append(raw)
        assert request.headers["Content-Encoding"] == "gzip"
        batch = json.loads(gzip.decompress(raw))
        results = []
        for envelope in batch["envelopes"]:
            record_id = envelope["header"]["record_id"]
            if record_id in self.reject:
                results.append(
                    {"record_id": record_id, "status": "rejected", "reason": self.reject[record_id]}
                )
            elif record_id in self.stored:
                results.append({"record_id": record_id, "status": "duplicate", "reason": None})
            else:
                self.stored[record_id] = envelope["sealed"]
                results.append({"record_id": record_id, "status": "accepted", "reason": None})
        results = [ItemResult(**r).model_dump() for r in results]  # every field the receipt signs
        signature = self.sign_key.sign(canonical_bytes(results))
        if self.corrupt_receipts:
            signature = bytes(64)
        return httpx.Response(200, json={"results": results, "receipt_signature": b64encode(signature)})

    def _updates(self, request: httpx.Request) -> httpx.Response:
        since = int(request.url.params["since"])
        limit = int(request.url.params["limit"])
        after = [u for u in self.updates if u["cursor"] > since]
        page = after[:limit]
        cursor = page[-1]["cursor"] if page else since
        return httpx.Response(200, json={"updates": page, "cursor": cursor, "more": len(after) > limit})


def review_update(cursor: int, record_id: str, state: str = "verified", message: str | None = None) -> dict:
    return {
        "cursor": cursor,
        "record_id": record_id,
        "state": state,
        "message": message,
        "changed_at": "2026-03-02T10:00:00+00:00",
    }
