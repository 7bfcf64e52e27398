"""Devices audit the server's transparency log at each sync (real server on loopback)."""

import httpx

from fieldapp.services.syncing import run_sync
from sync.log_protocol import SignedTreeHead
from tests.support.forked_log import rewrite_history
from tests.support.live_server import create_user, live_server
from tests.sync.live import device_records, enrolled_device, observations, reopen, run_fieldapp


def test_each_sync_checks_the_log_and_keeps_the_head(tmp_path, server):
    device = enrolled_device(tmp_path / "dev", server.data_dir, server.url, queued=20)
    first = run_sync(device)
    assert first.status == "done", first.error
    audit = first.log_audit
    assert audit is not None and audit.status == "ok", audit
    # proven: the first 16 of this run's receipts, and the rotating window's first 16 by id
    views = device_records(device)
    by_seq = {v.id for v in sorted(views, key=lambda v: v.seq)[:16]}
    by_id = {v.id for v in sorted(views, key=lambda v: v.id)[:16]}
    assert audit.records_checked == len(by_seq | by_id) > 16
    assert first.log_alarm is None
    kept = SignedTreeHead.model_validate(device.log_audit_store.log_audit_state()["tree_head"])
    assert kept.tree_size == audit.tree_size >= 20

    device.record_many(observations(3, seed=9), finalize=True)
    second = run_sync(device)
    assert second.log_audit.status == "ok" and second.log_audit.tree_size == kept.tree_size + 3
    # over a few syncs the rotating window reaches every delivered record
    seen = set()
    for _ in range(3):
        seen.add(device.log_audit_store.log_audit_state()["cursor"])
        assert run_sync(device).log_audit.status == "ok"
    assert len(seen) == 3
    assert second.to_dict()["log_audit"]["status"] == "ok"
    device.lock()


def test_a_server_that_rewrote_its_history_is_caught_shown_and_reported(tmp_path):
    server_dir = tmp_path / "server"
    with live_server(server_dir) as url:
        device = enrolled_device(tmp_path / "dev", server_dir, url, queued=6)
        assert run_sync(device).log_audit.status == "ok"

        rewrite_history(server_dir, leaf_index=2)  # same size, one report backdated
        caught = run_sync(device)
        assert caught.status == "done"  # delivery itself is fine; the log is not
        assert caught.log_audit.status == "failed"
        assert "history was rewritten" in caught.log_audit.problem
        assert caught.log_alarm == caught.log_audit.problem

        device.record_many(observations(2, seed=3), finalize=True)
        later = run_sync(device)  # grows on the forked history: still inconsistent with the kept head
        assert later.log_audit.status == "failed"
        assert "does not extend the one of 6" in later.log_audit.problem
        assert later.log_alarm == caught.log_alarm  # the first alarm stays in view
        device.lock()

        sync_cli = run_fieldapp("sync", data_dir=tmp_path / "dev")
        assert sync_cli.returncode == 1, sync_cli.stderr
        assert "LOG ALARM" in sync_cli.stderr and "history was rewritten" in sync_cli.stderr

        create_user(server_dir, "root", "a long password", "admin")
        with httpx.Client(base_url=url) as client:
            login = {"username": "root", "password": "a long password"}
            token = client.post("/api/v1/auth/login", json=login)
            alarms = client.get(
                "/api/v1/log/alarms", headers={"Authorization": f"Bearer {token.json()['token']}"}
            ).json()
    reasons = [a["reason"] for a in alarms]
    assert caught.log_alarm in reasons and later.log_audit.problem in reasons
    first = next(a for a in alarms if a["reason"] == caught.log_alarm)
    assert first["heads_signed_by_server"] is True  # both conflicting heads carry the server's signature
    assert first["kept_head"]["tree_size"] == first["seen_head"]["tree_size"] == 6
    assert first["kept_head"]["root_hash"] != first["seen_head"]["root_hash"]
    again = reopen(tmp_path / "dev")
    assert all(a["reported"] for a in again.log_audit_store.log_audit_state()["alarms"])
    again.lock()


def test_a_device_enrolled_on_an_empty_log_audits_its_growth_without_alarm(tmp_path):
    # The first day: a new server, a new device with nothing queued. The first audit keeps a
    # tree head of size 0; the empty tree is a prefix of every tree (nothing to prove), so the
    # next sync must not ask the server for a proof from size 0 (it refuses: sizes start at 1).
    server_dir = tmp_path / "server"
    with live_server(server_dir) as url:
        device = enrolled_device(tmp_path / "dev", server_dir, url, queued=0)
        first = run_sync(device)
        assert first.status == "done" and first.log_audit.status == "ok", first.log_audit
        device.record_many(observations(1, seed=4), finalize=True)
        second = run_sync(device)
        assert second.log_audit.status == "ok", second.log_audit
        assert second.log_alarm is None
        device.lock()
