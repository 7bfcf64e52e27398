"""The transparency log at the server: receipts, signed heads, inclusion and consistency proofs,
decisions as their own leaves, stored subtrees, append-only tables, bad input, alarms."""

import hashlib

import pytest
import sqlalchemy as sa

from server.transparency.tables import NODE_STORE_LEVEL, LogLeaf, LogNode
from sync.crypto import b64decode
from sync.log_protocol import (
    ConsistencyProof,
    DecisionLeaf,
    InclusionProof,
    RecordLeaf,
    SignedTreeHead,
    decode_leaf,
    verify_tree_head,
)
from sync.merkle import MemoryTree, leaf_hash, verify_consistency, verify_inclusion
from tests.server.conftest import API


def _head(harness, headers) -> SignedTreeHead:
    answer = harness.client.get(f"{API}/log/sth", headers=headers)
    assert answer.status_code == 200, answer.text
    return SignedTreeHead.model_validate(answer.json())


def _proof(harness, headers, record_id, tree_size=None) -> InclusionProof:
    params = {"record_id": record_id} | ({"tree_size": tree_size} if tree_size else {})
    answer = harness.client.get(f"{API}/log/proof", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return InclusionProof.model_validate(answer.json())


def _stored_leaves(harness) -> list[bytes]:
    with harness.ctx.transaction() as session:
        return list(session.scalars(sa.select(LogLeaf.leaf).order_by(LogLeaf.leaf_index)))


def test_receipts_say_where_each_record_is_and_the_signed_head_covers_them(harness, admin_headers):
    device = harness.device(admin_headers, seed=1)
    first = harness.submit(device, device.envelopes(3))
    assert [(r["status"], r["leaf_index"], r["tree_size"]) for r in first] == [
        ("accepted", 0, 3),
        ("accepted", 1, 3),
        ("accepted", 2, 3),
    ]
    again = device.envelopes(2)
    second = harness.submit(device, [device.seal(*device.signed[0]), *again])
    assert [(r["status"], r["leaf_index"], r["tree_size"]) for r in second] == [
        ("duplicate", 0, 5),
        ("accepted", 3, 5),
        ("accepted", 4, 5),
    ]
    bad = dict(again[0], header={**again[0]["header"], "seq": 99})
    rejected = harness.submit(device, [bad])[0]
    assert (
        rejected["status"] == "rejected" and rejected["leaf_index"] is None and rejected["tree_size"] is None
    )

    head = _head(harness, device.auth)
    assert head.tree_size == 5
    assert verify_tree_head(head, device.server_sign_key)
    assert not verify_tree_head(head.model_copy(update={"tree_size": 4}), device.server_sign_key)
    leaves = _stored_leaves(harness)
    assert head.root == MemoryTree([leaf_hash(leaf) for leaf in leaves]).root()
    for index, (signed, header) in enumerate(device.signed[:5]):
        leaf = decode_leaf(leaves[index])
        assert leaf == RecordLeaf(
            record_id=header["record_id"],
            device_id=device.device_id,
            seq=header["seq"],
            prev_hash=device.signed[index - 1][0].hash if index else None,
            body_hash=hashlib.sha256(signed.body).hexdigest(),
            received_at="2026-03-02T12:00:00.000000Z",
        )
        proof = _proof(harness, device.auth, header["record_id"])
        assert (proof.leaf_index, proof.tree_size, proof.leaf_bytes()) == (index, 5, leaves[index])
        assert verify_inclusion(index, 5, leaf_hash(proof.leaf_bytes()), proof.path(), head.root)


def test_decisions_are_leaves_of_their_own_type(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=2)
    record_id = harness.submit(device, device.envelopes(1))[0]["record_id"]
    harness.clock.advance(minutes=3)
    answer = harness.client.post(
        f"{API}/reports/{record_id}/decision",
        json={"state": "needs_info", "reason": "which road? أي طريق؟"},
        headers=verifier_headers,
    )
    assert answer.status_code == 200, answer.text
    audit = harness.client.get(f"{API}/reports/{record_id}/audit", headers=verifier_headers).json()
    leaves = _stored_leaves(harness)
    assert len(leaves) == 2
    decision = decode_leaf(leaves[1])
    assert decision == DecisionLeaf(
        event_id=audit[0]["id"],
        record_id=record_id,
        actor="vera",
        at="2026-03-02T12:03:00.000000Z",
        from_state="received",
        to_state="needs_info",
        reason_sha256=hashlib.sha256("which road? أي طريق؟".encode()).hexdigest(),
    )
    assert leaves[1].startswith(b"fieldapp/v1/log-leaf/decision\n")
    assert leaves[0].startswith(b"fieldapp/v1/log-leaf/record\n")
    head = _head(harness, verifier_headers)
    assert head.tree_size == 2 and head.root == MemoryTree([leaf_hash(x) for x in leaves]).root()


def test_proofs_hold_across_stored_subtrees_and_the_log_only_grows(harness, admin_headers):
    device = harness.device(admin_headers, seed=3)
    heads: list[SignedTreeHead] = []
    for size in (1, 7, 120, 200, 300, 5):  # crosses several 256-leaf blocks
        harness.submit(device, device.envelopes(size))
        heads.append(_head(harness, device.auth))
    total = heads[-1].tree_size
    assert total == 633
    leaves = _stored_leaves(harness)
    tree = MemoryTree([leaf_hash(leaf) for leaf in leaves])
    with harness.ctx.transaction() as session:
        nodes = {(n.level, n.node_index): n.hash for n in session.scalars(sa.select(LogNode))}
    expected = {(lv, i) for lv in range(NODE_STORE_LEVEL, total.bit_length()) for i in range(total >> lv)}
    assert set(nodes) == expected and expected  # 2 blocks of 256 and one of 512 complete
    assert all(tree.subtree(*key) == digest for key, digest in nodes.items())
    for old in heads:
        for new in heads:
            if old.tree_size > new.tree_size:
                continue
            answer = harness.client.get(
                f"{API}/log/consistency",
                params={"from": old.tree_size, "to": new.tree_size},
                headers=device.auth,
            )
            assert answer.status_code == 200, answer.text
            proof = ConsistencyProof.model_validate(answer.json())
            assert verify_consistency(old.tree_size, new.tree_size, old.root, new.root, proof.path())
    for index in (0, 255, 256, 300, 511, 512, 632):
        record_id = decode_leaf(leaves[index]).record_id
        for size in (index + 1, 600 if index < 600 else total, total):
            proof = _proof(harness, device.auth, record_id, size)
            assert verify_inclusion(index, size, tree.leaves[index], proof.path(), tree.root(size))


def test_bad_questions_get_4xx_never_5xx(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=4)
    other = harness.device(admin_headers, seed=5)
    record_id = harness.submit(device, device.envelopes(3))[0]["record_id"]
    get = harness.client.get
    checks = [
        (f"{API}/log/consistency", {"from": 2, "to": 1}, 422),
        (f"{API}/log/consistency", {"from": 1, "to": 4}, 422),
        (f"{API}/log/consistency", {"from": 0, "to": 2}, 422),
        (f"{API}/log/consistency", {"from": "x", "to": 2}, 422),
        (f"{API}/log/consistency", {"from": 2**70, "to": 2}, 422),
        (f"{API}/log/consistency", {"to": 2}, 422),
        (f"{API}/log/proof", {"record_id": record_id, "tree_size": 4}, 422),
        (f"{API}/log/proof", {"record_id": record_id, "tree_size": 0}, 422),
        (f"{API}/log/proof", {"record_id": "not-a-uuid"}, 422),
        (f"{API}/log/proof", {"record_id": "00000000-0000-4000-8000-000000000000"}, 404),
    ]
    for path, params, status in checks:
        answer = get(path, params=params, headers=device.auth)
        assert answer.status_code == status, (params, answer.text)
    # another device's record is not for this one to see; a verifier may
    assert get(f"{API}/log/proof", params={"record_id": record_id}, headers=other.auth).status_code == 404
    assert (
        get(f"{API}/log/proof", params={"record_id": record_id}, headers=verifier_headers).status_code == 200
    )
    assert get(f"{API}/log/sth").status_code == 401
    later = harness.submit(device, device.envelopes(1))[0]["record_id"]
    answer = get(f"{API}/log/proof", params={"record_id": later, "tree_size": 2}, headers=device.auth)
    assert answer.status_code == 422 and "after a tree of 2" in answer.json()["detail"]


def test_the_log_tables_refuse_to_be_rewritten(harness, admin_headers):
    device = harness.device(admin_headers, seed=6)
    harness.submit(device, device.envelopes(256))  # one stored subtree too
    for statement in ("UPDATE log_leaves SET leaf = leaf", "DELETE FROM log_leaves", "DELETE FROM log_nodes"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), harness.ctx.transaction() as session:
            session.execute(sa.text(statement))
    assert len(_stored_leaves(harness)) == 256


def test_alarms_reach_administrators_with_their_evidence(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=7)
    harness.submit(device, device.envelopes(2))
    head = _head(harness, device.auth)
    forged = head.model_copy(update={"root_hash": "0" * 64})
    body = {
        "reason": "the log's tree of 2 is not the one this device kept",
        "detected_at": "2026-03-02T12:05:00Z",
        "kept_head": head.model_dump(),
        "seen_head": forged.model_dump(),
    }
    answer = harness.client.post(f"{API}/log/alarms", json=body, headers=device.auth)
    assert answer.status_code == 201, answer.text
    assert answer.json()["heads_signed_by_server"] is False  # the forged head is not the server's
    both_real = {**body, "seen_head": head.model_dump()}
    assert harness.client.post(f"{API}/log/alarms", json=both_real, headers=device.auth).json()[
        "heads_signed_by_server"
    ]
    assert harness.client.post(f"{API}/log/alarms", json=body, headers=admin_headers).status_code == 403
    assert harness.client.get(f"{API}/log/alarms", headers=verifier_headers).status_code == 403
    listed = harness.client.get(f"{API}/log/alarms", headers=admin_headers).json()
    assert [a["device_id"] for a in listed] == [device.device_id] * 2
    assert listed[1]["reason"] == body["reason"] and listed[1]["kept_head"] == head.model_dump()
    assert b64decode(listed[0]["kept_head"]["signature"])


def test_upgrading_an_existing_server_logs_its_history_as_it_happened(
    harness, admin_headers, verifier_headers
):
    """The migration appends stored reports and decisions in time order: the same leaves the
    live server writes when they arrive in that order."""
    device = harness.device(admin_headers, seed=8)
    ids = [r["record_id"] for r in harness.submit(device, device.envelopes(3))]
    harness.clock.advance(minutes=1)
    decision = {"state": "verified", "reason": "seen by two teams"}
    assert harness.client.post(f"{API}/reports/{ids[1]}/decision", json=decision, headers=verifier_headers)
    harness.clock.advance(minutes=1)
    harness.submit(device, device.envelopes(2))
    live = _stored_leaves(harness)
    assert len(live) == 6
    head = _head(harness, verifier_headers)

    _migrate(harness, "downgrade", "0002")
    _migrate(harness, "upgrade", "head")
    assert _stored_leaves(harness) == live
    again = _head(harness, verifier_headers)
    assert (again.tree_size, again.root_hash) == (head.tree_size, head.root_hash)


def _migrate(harness, direction: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from server.database import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with harness.app.state.context.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)
