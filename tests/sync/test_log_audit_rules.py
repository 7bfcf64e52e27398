"""The audit's rules, one at a time, against a log served through httpx.MockTransport."""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.crypto import b64encode
from sync.log_audit import DeliveredRecord, LogAuditor
from sync.log_protocol import RecordLeaf, sign_tree_head
from sync.merkle import MemoryTree, consistency_proof, inclusion_proof, leaf_hash
from sync.transport import SyncClient
from sync.wire import ItemResult

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DEVICE = "d" * 32


def body_hash(n: int) -> str:
    return hashlib.sha256(f"body {n}".encode()).hexdigest()


def record_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


@dataclass
class Store:
    """sync.log_audit.AuditStore over dicts."""

    delivered: dict[str, str] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    def delivered_records(self, *, after, limit):
        ids = sorted(i for i in self.delivered if after is None or i > after)[:limit]
        return [DeliveredRecord(i, self.delivered[i]) for i in ids]

    def delivered_hashes(self, record_ids):
        return {i: self.delivered[i] for i in record_ids if i in self.delivered}

    def log_audit_state(self):
        return dict(self.state)

    def save_log_audit_state(self, state):
        self.state = state


@dataclass
class LogServer:
    """A log server with knobs for misbehaving."""

    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    leaves: list[bytes] = field(default_factory=list)
    shown_size: int | None = None  # serve a smaller tree than it has
    sign_with: Ed25519PrivateKey | None = None
    down: set[str] = field(default_factory=set)  # paths answering 503
    alarms: list[dict] = field(default_factory=list)

    def add(self, n: int, *, content: str | None = None) -> None:
        leaf = RecordLeaf(
            record_id(n), DEVICE, n, None, content or body_hash(n), "2026-03-02T12:00:00.000000Z"
        )
        self.leaves.append(leaf.encode())

    def tree(self) -> MemoryTree:
        return MemoryTree([leaf_hash(leaf) for leaf in self.leaves])

    def handler(self, request: httpx.Request) -> httpx.Response:
        path, q = request.url.path.removeprefix("/api/v1"), request.url.params
        if path in self.down:
            return httpx.Response(503, json={"detail": "busy"})
        tree = self.tree()
        size = len(self.leaves) if self.shown_size is None else self.shown_size
        if path == "/log/sth":
            head = sign_tree_head(self.sign_with or self.key, size, tree.root(size), NOW)
            return httpx.Response(200, json=head.model_dump())
        if path == "/log/consistency":
            old, new = int(q["from"]), int(q["to"])
            proof = consistency_proof(old, new, tree.read)
            return httpx.Response(
                200, json={"from_size": old, "to_size": new, "proof": [p.hex() for p in proof]}
            )
        if path == "/log/proof":
            wanted, at = q["record_id"], int(q["tree_size"])
            for index, leaf in enumerate(self.leaves[:at]):
                if wanted.encode() in leaf:
                    proof = inclusion_proof(index, at, tree.read)
                    body = {"leaf_index": index, "tree_size": at, "leaf": b64encode(leaf)}
                    return httpx.Response(200, json={**body, "audit_path": [p.hex() for p in proof]})
            return httpx.Response(404, json={"detail": "no such record in the log"})
        if path == "/log/alarms":
            import json

            self.alarms.append(json.loads(request.content))
            alarm = {**self.alarms[-1], "id": 1, "device_id": DEVICE, "received_at": NOW.isoformat()}
            return httpx.Response(201, json={**alarm, "heads_signed_by_server": True})
        return httpx.Response(404, json={"detail": "no such route"})


def auditor(server: LogServer, store: Store) -> LogAuditor:
    client = SyncClient(
        httpx.Client(transport=httpx.MockTransport(server.handler)), base_url="http://t", credential="c"
    )
    return LogAuditor(store, client, server_sign_key=server.key.public_key().public_bytes_raw(), sample=4)


def setup(count: int) -> tuple[LogServer, Store]:
    server, store = LogServer(), Store()
    for n in range(count):
        server.add(n)
        store.delivered[record_id(n)] = body_hash(n)
    return server, store


def test_a_good_log_passes_and_the_window_rotates_over_every_record():
    server, store = setup(10)
    checked = set()
    for _ in range(3):
        result = auditor(server, store).audit()
        assert (result.status, result.tree_size, result.problem) == ("ok", 10, None)
        checked.add(store.state["cursor"])
    assert store.state["tree_head"]["tree_size"] == 10
    assert len(checked) == 3 and "alarms" not in store.state


def test_a_head_not_signed_by_the_server_is_an_alarm():
    server, store = setup(3)
    server.sign_with = Ed25519PrivateKey.generate()
    result = auditor(server, store).audit()
    assert result.status == "failed" and "not signed by this server's key" in result.problem
    assert "tree_head" not in store.state  # nothing kept from a bad answer
    assert server.alarms and server.alarms[0]["reason"] == result.problem


def test_a_log_that_shrank_or_lost_what_a_receipt_promised_is_an_alarm():
    server, store = setup(6)
    assert auditor(server, store).audit().status == "ok"
    server.shown_size = 4
    shrank = auditor(server, store).audit()
    assert shrank.status == "failed" and "shrank from 6 to 4" in shrank.problem

    server, store = setup(3)
    audit = auditor(server, store)
    audit.note_receipts([ItemResult(record_id=record_id(2), status="accepted", leaf_index=2, tree_size=5)])
    promised = audit.audit()
    assert promised.status == "failed" and "placed a record in a tree of 5" in promised.problem


def test_a_record_missing_or_changed_in_the_log_is_an_alarm():
    server, store = setup(4)
    store.delivered[record_id(9)] = body_hash(9)  # acknowledged, never logged
    assert auditor(server, store).audit().status == "ok"  # the window holds 4: not reached yet
    missing = auditor(server, store).audit()
    assert missing.status == "failed" and record_id(9) in missing.problem

    server, store = setup(4)
    server.leaves[1] = RecordLeaf(
        record_id(1), DEVICE, 1, None, "0" * 64, "2026-03-02T12:00:00.000000Z"
    ).encode()
    changed = auditor(server, store).audit()
    assert changed.status == "failed" and "not in the signed log as this device sent it" in changed.problem


def test_the_wrong_leaf_index_is_an_alarm_even_with_a_valid_proof():
    server, store = setup(4)
    audit = auditor(server, store)
    audit.note_receipts([ItemResult(record_id=record_id(3), status="accepted", leaf_index=1, tree_size=4)])
    assert audit.audit().status == "failed"


def test_network_trouble_is_not_an_alarm_and_an_alarm_waits_until_delivered():
    server, store = setup(3)
    server.down = {"/log/consistency"}
    assert auditor(server, store).audit().status == "ok"  # first audit needs no consistency proof
    server.add(3)
    store.delivered[record_id(3)] = body_hash(3)
    result = auditor(server, store).audit()
    assert result.status == "incomplete" and "busy" in result.problem
    assert "alarms" not in store.state and store.state["tree_head"]["tree_size"] == 3

    server.down = {"/log/alarms"}
    server.shown_size = 2
    failed = auditor(server, store).audit()
    assert failed.status == "failed" and store.state["alarms"][0]["reported"] is False
    server.down, server.shown_size = set(), None
    assert auditor(server, store).audit().status == "ok"  # the log is fine again...
    assert store.state["alarms"][0]["reported"] is True  # ...but the alarm was kept and delivered
    assert auditor(server, store).standing_alarm() == failed.problem
    assert len(server.alarms) == 1
