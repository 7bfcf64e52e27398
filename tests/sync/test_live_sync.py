"""Sync against a real server on loopback: plain runs, enrolment, bundles, the command line."""

import json

import pytest

from fieldapp.services.enrollment import CodeRefused, enroll_device, is_enrolled
from fieldapp.services.syncing import export_bundle, run_sync
from sync.engine import SyncOptions
from tests.support.live_server import create_enrollment_code
from tests.sync.live import (
    assert_exactly_once,
    enrolled_device,
    new_device,
    reopen,
    run_fieldapp,
    server_reports,
)


def test_sync_delivers_in_batches_then_pulls_received(tmp_path, server):
    device = enrolled_device(tmp_path / "dev", server.data_dir, server.url, queued=120)
    progress = []
    report = run_sync(device, options=SyncOptions(max_batch_bytes=32 * 1024), on_progress=progress.append)
    assert report.status == "done", report.error
    assert (report.sent, report.duplicate, report.rejected, report.still_queued) == (120, 0, 0, 0)
    assert len([p for p in progress if p.phase == "push"]) > 4  # several batches of at most 32 KiB
    assert report.updates_pulled == 120  # the server's `received` for each record
    assert_exactly_once(device, server.data_dir, expect=120)
    assert {v.state for v in device.list_page(["received"], limit=500).items} == {"received"}
    again = run_sync(device)
    assert (again.status, again.sent, again.updates_pulled) == ("done", 0, 0)
    device.lock()


def test_enrolment_with_a_wrong_code_changes_nothing(tmp_path, server):
    device = new_device(tmp_path / "dev", queued=2)
    with pytest.raises(CodeRefused):
        enroll_device(device, server.url, "WRONG-CODE-1234")
    assert not is_enrolled(device)
    assert device.outbox.count_queued() == 0  # still unsealed: nothing to send without a server key
    report = run_sync(device)
    assert report.status == "failed" and "enrol" in report.error
    device.lock()


def test_enrolment_seals_records_finalized_before_it(tmp_path, server):
    device = new_device(tmp_path / "dev", queued=5)
    result = enroll_device(device, server.url, create_enrollment_code(server.data_dir))
    assert result.sealed == 5 and device.outbox.count_queued() == 5
    assert run_sync(device).sent == 5
    assert_exactly_once(device, server.data_dir, expect=5)
    device.lock()


def test_cli_enroll_sync_and_exit_codes(tmp_path, server):
    data_dir = tmp_path / "dev"
    new_device(data_dir, queued=7).lock()
    bad = run_fieldapp("enroll", "--server", server.url, "--code", "WRONG-CODE-1234", data_dir=data_dir)
    assert bad.returncode == 1 and bad.stderr.startswith("error: ") and len(bad.stderr.splitlines()) == 1
    code = create_enrollment_code(server.data_dir)
    ok = run_fieldapp("enroll", "--server", server.url, "--code", code, data_dir=data_dir)
    assert ok.returncode == 0, ok.stderr
    assert "7 queued record(s) sealed" in ok.stdout
    synced = run_fieldapp("sync", "--json", data_dir=data_dir)
    assert synced.returncode == 0, synced.stderr
    counts = json.loads(synced.stdout)
    assert (counts["sent"], counts["duplicate"], counts["rejected"], counts["still_queued"]) == (7, 0, 0, 0)
    assert counts["updates_pulled"] == 7
    text = run_fieldapp("sync", data_dir=data_dir)
    assert text.returncode == 0
    counts_line, *audit = text.stdout.strip().splitlines()
    assert counts_line == "sent 0, duplicate 0, rejected 0, still queued 0, updates pulled 0"
    assert [line.split(":")[0] for line in audit] == ["server log checked"]  # the log audit's line
    device = reopen(data_dir)
    assert_exactly_once(device, server.data_dir, expect=7)
    device.lock()


def test_cli_sync_offline_exits_3(tmp_path, server):
    from tests.support.live_server import free_port

    data_dir = tmp_path / "dev"
    device = enrolled_device(data_dir, server.data_dir, server.url, queued=3)
    device.sync_settings.set(server_url=f"http://127.0.0.1:{free_port()}")  # nothing listens there
    device.lock()
    result = run_fieldapp("sync", data_dir=data_dir)
    assert result.returncode == 3, result.stderr
    assert "still queued 3" in result.stdout
    assert result.stderr.startswith("retry later: ")


def test_bundle_import_then_sync_answers_duplicate(tmp_path, server):
    data_dir = tmp_path / "dev"
    enrolled_device(data_dir, server.data_dir, server.url, queued=9).lock()
    bundle = tmp_path / "outbox.json"
    exported = run_fieldapp("export-bundle", "--out", str(bundle), data_dir=data_dir)
    assert exported.returncode == 0, exported.stderr
    device = reopen(data_dir)
    assert device.outbox.count_queued() == 9  # exporting marks nothing
    device_id = device.device_id
    device.lock()
    for _ in range(2):  # importing twice adds nothing the second time
        imported = run_fieldapp(
            "admin", "import-bundle", str(bundle), "--data-dir", str(server.data_dir), data_dir=None
        )
        assert imported.returncode == 0, imported.stderr
        assert len(server_reports(server.data_dir, device_id)) == 9
    device = reopen(data_dir)
    report = run_sync(device)
    assert (report.status, report.sent, report.duplicate) == ("done", 0, 9)
    assert_exactly_once(device, server.data_dir, expect=9)
    device.lock()


def test_export_bundle_needs_enrolment(tmp_path):
    from fieldapp.services.syncing import NothingToExport

    device = new_device(tmp_path / "dev", queued=1)
    with pytest.raises(NothingToExport):
        export_bundle(device, tmp_path / "b.json")
    assert not (tmp_path / "b.json").exists()
    device.lock()


def test_cli_sync_before_enrolment_exits_1_with_one_line(tmp_path):
    data_dir = tmp_path / "dev"
    new_device(data_dir, queued=1).lock()
    result = run_fieldapp("sync", data_dir=data_dir)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "fieldapp enroll" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_rejects_a_bad_server_url_and_batch_size(tmp_path):
    data_dir = tmp_path / "dev"
    new_device(data_dir, queued=0).lock()
    bad_url = run_fieldapp("enroll", "--server", "ftp://x", "--code", "ABCD-1234", data_dir=data_dir)
    assert bad_url.returncode == 1 and "not a server address" in bad_url.stderr
    bad_size = run_fieldapp("sync", "--batch-kib", "0", data_dir=data_dir)
    assert bad_size.returncode == 2 and "KiB" in bad_size.stderr


def _login(server, role: str) -> dict[str, str]:
    import uuid

    import httpx

    from tests.support.live_server import create_user

    username = f"{role}-{uuid.uuid4().hex[:8]}"
    create_user(server.data_dir, username, "a long enough password", role)
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login", json={"username": username, "password": "a long enough password"}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_review_decisions_and_questions_are_pulled_and_kept_encrypted(tmp_path, server):
    import httpx

    data_dir = tmp_path / "dev"
    device = enrolled_device(data_dir, server.data_dir, server.url, queued=3)
    assert run_sync(device).status == "done"
    asked, verified, _ = (row[0] for row in server_reports(server.data_dir, device.device_id))
    verifier = _login(server, "verifier")
    question = "Which road did the convoy take after the bridge?"
    for record_id, body in (
        (asked, {"state": "needs_info", "reason": question}),
        (verified, {"state": "verified"}),
    ):
        answer = httpx.post(f"{server.url}/api/v1/reports/{record_id}/decision", json=body, headers=verifier)
        assert answer.status_code == 200, answer.text
    report = run_sync(device)
    assert (report.status, report.updates_pulled) == ("done", 2)
    assert device.get(asked).state == "needs_info" and device.get(asked).message == question
    assert device.get(verified).state == "verified"
    device.lock()
    stored = b"".join(p.read_bytes() for p in data_dir.iterdir() if p.name.startswith("fieldapp.db"))
    assert question.encode() not in stored  # the verifier's question is encrypted at rest


def test_revoked_device_gets_a_clear_credential_error(tmp_path, server):
    import httpx

    data_dir = tmp_path / "dev"
    device = enrolled_device(data_dir, server.data_dir, server.url, queued=2)
    admin = _login(server, "admin")
    revoked = httpx.post(f"{server.url}/api/v1/devices/{device.device_id}/revoke", headers=admin)
    assert revoked.status_code == 200, revoked.text
    device.lock()
    result = run_fieldapp("sync", data_dir=data_dir)
    assert result.returncode == 1
    assert "credential" in result.stderr and "enrol again" in result.stderr
    assert "still queued 2" in result.stdout
