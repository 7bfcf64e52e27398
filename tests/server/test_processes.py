"""Real server processes (uvicorn via `fieldapp serve`): the CLI end to end, and two
processes on one PostgreSQL receiving the same batches at once."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.server.pg import fresh_schema, postgres_required
from tests.support.devices import make_device
from tests.support.live_server import REPO_ROOT, create_enrollment_code, create_user, live_server

API = "/api/v1"


def _fieldapp(*args: str, env: dict[str, str] | None = None, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_and_admin_commands_end_to_end(tmp_path: Path):
    data = tmp_path / "server"
    made_server = _fieldapp("admin", "init", "--data-dir", str(data))
    assert made_server.returncode == 0, made_server.stderr
    code = _fieldapp("admin", "enrollment-code", "--label", "phone 1", "--data-dir", str(data))
    assert code.returncode == 0, code.stderr
    assert len(code.stdout.strip()) == 14 and code.stdout.count("\n") == 1  # the code alone
    made = _fieldapp(
        "admin",
        "create-user",
        "--username",
        "vera",
        "--role",
        "verifier",
        "--data-dir",
        str(data),
        stdin="pw for vera\n",
    )
    assert made.returncode == 0, made.stderr
    assert "pw for vera" not in made.stdout + made.stderr
    empty = _fieldapp(
        "admin", "create-user", "--username", "x1", "--role", "admin", "--data-dir", str(data), stdin=""
    )
    assert empty.returncode == 1 and empty.stderr.startswith("error: no password given")
    keys = sorted((data / "keys").iterdir())
    assert [oct(k.stat().st_mode & 0o777) for k in keys] == ["0o600", "0o600"]

    device = make_device(seed=1)
    with live_server(data) as base_url, httpx.Client(base_url=base_url) as client:
        device.enroll(client, code.stdout.strip())
        envelopes = device.envelopes(3)
        answer = client.post(f"{API}/submissions", json={"envelopes": envelopes}, headers=device.auth)
        assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * 3
        login = client.post(f"{API}/auth/login", data={"username": "vera", "password": "pw for vera"})
        assert login.status_code == 200
    log = (data / "server.log").read_text()
    assert device.credential not in log and login.json()["token"] not in log

    bundle = tmp_path / "bundle.json"
    more = device.envelopes(2)
    bundle.write_text(
        json.dumps(
            {
                "format": "fieldapp-bundle",
                "v": 1,
                "device_id": device.device_id,
                "envelopes": envelopes[:1] + more,
            }
        )
    )
    imported = _fieldapp("admin", "import-bundle", str(bundle), "--data-dir", str(data))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "accepted 2, duplicate 1, rejected 0"
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    refused = _fieldapp("admin", "import-bundle", str(bad), "--data-dir", str(data))
    assert (
        refused.returncode == 1 and refused.stderr.startswith("error: ") and "Traceback" not in refused.stderr
    )

    out = tmp_path / "out.geojson"
    exported = _fieldapp("admin", "export", "--format", "geojson", "--out", str(out), "--data-dir", str(data))
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(out.read_text())["features"]) == 5
    csv_out = _fieldapp("admin", "export", "--format", "csv", "--state", "received", "--data-dir", str(data))
    assert csv_out.stdout.lstrip("\ufeff").startswith("record_id,kind,state,")
    assert len(csv_out.stdout.strip().splitlines()) == 6


@pytest.mark.postgres
@pytest.mark.skipif(not postgres_required(), reason="needs FIELDAPP_TEST_DATABASE_URL (always run in CI)")
def test_two_processes_on_one_postgresql_store_each_record_once(tmp_path: Path):
    with fresh_schema() as url:
        data = tmp_path / "server"
        code = create_enrollment_code(data, url)
        create_user(data, "root", "a long password", "admin", url)
        devices = [make_device(seed=s) for s in (1, 2)]
        with live_server(data, url) as first, live_server(data, url) as second:
            with httpx.Client(base_url=first) as client:
                devices[0].enroll(client, code)
                devices[1].enroll(client, create_enrollment_code(data, url))
            batches = [(d, d.envelopes(50)) for d in devices for _ in range(4)]
            answers: dict[tuple[int, str], list] = {}
            errors: list[BaseException] = []

            def post(index: int, base_url: str) -> None:
                device, envelopes = batches[index]
                try:
                    with httpx.Client(base_url=base_url, timeout=60) as client:
                        answer = client.post(
                            f"{API}/submissions", json={"envelopes": envelopes}, headers=device.auth
                        )
                        answer.raise_for_status()
                        answers[(index, base_url)] = answer.json()["results"]
                except BaseException as exc:  # reported below
                    errors.append(exc)

            threads = [
                threading.Thread(target=post, args=(i, base))
                for i in range(len(batches))
                for base in (first, second)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert not errors, errors
            assert len(answers) == 2 * len(batches)

        accepted_count: dict[str, int] = {}
        for (_index, _base), results in answers.items():
            for result in results:
                assert result["status"] in ("accepted", "duplicate"), result
                if result["status"] == "accepted":
                    accepted_count[result["record_id"]] = accepted_count.get(result["record_id"], 0) + 1
        all_ids = {e["header"]["record_id"] for _d, envs in batches for e in envs}
        assert accepted_count == dict.fromkeys(all_ids, 1)  # each accepted exactly once, somewhere
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT record_id, count(*) FROM reports GROUP BY record_id"
            ).all()
            updates = connection.exec_driver_sql("SELECT count(*) FROM device_updates").scalar()
        engine.dispose()
        assert {r[0] for r in rows} == all_ids and {r[1] for r in rows} == {1}
        assert updates == len(all_ids)  # one `received` per record, not per copy
