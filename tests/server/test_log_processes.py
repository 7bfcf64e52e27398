"""Two `fieldapp serve` processes on one PostgreSQL appending to the transparency log at once
(records from 16 threads, decisions meanwhile): one dense, consistent tree."""

import threading
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sync.log_protocol import ConsistencyProof, SignedTreeHead, verify_tree_head
from sync.merkle import MemoryTree, leaf_hash, verify_consistency
from tests.server.pg import fresh_schema, postgres_required
from tests.support.devices import make_device
from tests.support.live_server import create_enrollment_code, create_user, live_server

API = "/api/v1"


@pytest.mark.postgres
@pytest.mark.skipif(not postgres_required(), reason="needs FIELDAPP_TEST_DATABASE_URL (always run in CI)")
def test_two_processes_append_to_one_consistent_tree(tmp_path: Path):
    with fresh_schema() as url:
        data = tmp_path / "server"
        create_user(data, "root", "a long password", "admin", url)
        devices = [make_device(seed=s) for s in (21, 22)]
        with live_server(data, url) as first, live_server(data, url) as second:
            with httpx.Client(base_url=first) as client:
                for device in devices:
                    device.enroll(client, create_enrollment_code(data, url))
                token = client.post(
                    f"{API}/auth/login", json={"username": "root", "password": "a long password"}
                ).json()["token"]
            admin = {"Authorization": f"Bearer {token}"}
            batches = [(d, d.envelopes(25)) for d in devices for _ in range(8)]
            receipts: list[dict] = []
            heads: list[SignedTreeHead] = []
            errors: list[BaseException] = []
            lock = threading.Lock()

            def push(index: int, base_url: str) -> None:
                device, envelopes = batches[index]
                try:
                    with httpx.Client(base_url=base_url, timeout=60) as client:
                        answer = client.post(
                            f"{API}/submissions", json={"envelopes": envelopes}, headers=device.auth
                        )
                        answer.raise_for_status()
                        head = client.get(f"{API}/log/sth", headers=device.auth)
                        head.raise_for_status()
                        with lock:
                            receipts.extend(answer.json()["results"])
                            heads.append(SignedTreeHead.model_validate(head.json()))
                except BaseException as exc:  # reported below
                    errors.append(exc)

            def decide(base_url: str, record_ids: list[str]) -> None:
                try:
                    with httpx.Client(base_url=base_url, timeout=60) as client:
                        for record_id in record_ids:
                            body = {"state": "verified", "reason": "seen"}
                            answer = client.post(
                                f"{API}/reports/{record_id}/decision", json=body, headers=admin
                            )
                            answer.raise_for_status()
                except BaseException as exc:
                    errors.append(exc)

            # the first batch of each device goes in before, so decisions have reports to decide on
            for index in (0, 8):
                push(index, first)
            decided = [e["header"]["record_id"] for i in (0, 8) for e in batches[i][1][:10]]
            threads = [
                threading.Thread(target=push, args=(i, base))
                for i in range(len(batches))
                if i not in (0, 8)
                for base in (first, second)
            ]
            threads += [
                threading.Thread(target=decide, args=(first, decided[:10])),
                threading.Thread(target=decide, args=(second, decided[10:])),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=180)
            assert not errors, errors
            with httpx.Client(base_url=second) as client:
                final = SignedTreeHead.model_validate(client.get(f"{API}/log/sth", headers=admin).json())
                for head in heads:
                    answer = client.get(
                        f"{API}/log/consistency",
                        params={"from": head.tree_size, "to": final.tree_size},
                        headers=admin,
                    )
                    proof = ConsistencyProof.model_validate(answer.json())
                    assert verify_consistency(
                        head.tree_size, final.tree_size, head.root, final.root, proof.path()
                    )

        engine = sa.create_engine(url)
        with engine.connect() as connection:
            leaves = connection.exec_driver_sql(
                "SELECT leaf_index, leaf_type, record_id, leaf FROM log_leaves ORDER BY leaf_index"
            ).all()
            nodes = connection.exec_driver_sql("SELECT level, node_index, hash FROM log_nodes").all()
            reports = connection.exec_driver_sql("SELECT count(*) FROM reports").scalar()
        engine.dispose()

    all_ids = {e["header"]["record_id"] for _d, envs in batches for e in envs}
    assert [row.leaf_index for row in leaves] == list(range(len(leaves)))  # dense: no gap, no repeat
    records = [row.record_id for row in leaves if row.leaf_type == "record"]
    assert sorted(records) == sorted(all_ids) and reports == len(all_ids)  # each record exactly once
    assert sum(row.leaf_type == "decision" for row in leaves) == len(decided)
    tree = MemoryTree([leaf_hash(bytes(row.leaf)) for row in leaves])
    assert final.tree_size == len(leaves) and final.root == tree.root()
    assert all(tree.subtree(row.level, row.node_index) == bytes(row.hash) for row in nodes) and nodes
    assert all(verify_tree_head(h, devices[0].server_sign_key) for h in [*heads, final])
    where = {row.record_id: row.leaf_index for row in leaves if row.leaf_type == "record"}
    for result in receipts:  # every receipt told the truth about where its record went
        assert result["leaf_index"] == where[result["record_id"]], result
        assert result["tree_size"] > result["leaf_index"]
