"""`fieldapp admin ...` never makes a new, empty server by accident (issue 13, point 10).

Real `python -m fieldapp` processes with a throwaway HOME: without --data-dir or
FIELDAPP_SERVER_DATA_DIR the admin verbs use the directory `serve` uses and say which; where
no server is, they refuse (nothing created) until `fieldapp admin init` makes one.
"""

import os
import subprocess
import sys
from pathlib import Path

import httpx

from server.launcher import ServerProcess, wait_until_healthy
from tests.support.live_server import REPO_ROOT, free_port

API = "/api/v1"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_") and k != "XDG_DATA_HOME"}
    return {**env, "HOME": str(home), "PYTHONPATH": str(REPO_ROOT), **extra}


def _fieldapp(*args: str, home: Path, stdin: str = "", **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        cwd=REPO_ROOT,
        env=_env(home, **extra),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def test_admin_verbs_refuse_a_directory_without_a_server_and_create_nothing(tmp_path: Path):
    home = tmp_path / "home"
    default = home / ".local" / "share" / "fieldapp-server"
    for verb in (
        ["enrollment-code"],
        ["create-user", "--username", "vera", "--role", "verifier"],
        ["export", "--format", "csv"],
        ["import-bundle", str(tmp_path / "missing.json")],
        ["evidence", "--record", "00000000-0000-4000-8000-000000000000", "--out", str(tmp_path / "e.zip")],
    ):
        line = _one_error_line(_fieldapp("admin", *verb, home=home, stdin="a long password\n"))
        assert f"no FieldApp server in {default}" in line, line
        assert "fieldapp admin init" in line and "--data-dir" in line, line
    assert not default.exists()

    named = tmp_path / "typo"
    line = _one_error_line(_fieldapp("admin", "enrollment-code", "--data-dir", str(named), home=home))
    assert f"no FieldApp server in {named} (from --data-dir)" in line, line
    assert not named.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    line = _one_error_line(
        _fieldapp("admin", "export", "--format", "csv", home=home, FIELDAPP_SERVER_DATA_DIR=str(empty))
    )
    assert f"no FieldApp server in {empty} (from FIELDAPP_SERVER_DATA_DIR)" in line, line
    assert list(empty.iterdir()) == []


def test_admin_init_then_the_verbs_and_serve_share_the_default_data_dir(tmp_path: Path):
    home = tmp_path / "home"
    default = home / ".local" / "share" / "fieldapp-server"
    made = _fieldapp("admin", "init", home=home)
    assert made.returncode == 0, made.stderr
    assert str(default) in made.stdout and "fieldapp admin create-user" in made.stdout
    assert sorted(p.name for p in (default / "keys").iterdir()) == ["seal_x25519.key", "sign_ed25519.key"]
    assert (default / "server.db").exists()
    again = _one_error_line(_fieldapp("admin", "init", home=home))
    assert f"{default} already holds a FieldApp server; nothing changed" in again

    user = _fieldapp(
        "admin", "create-user", "--username", "vera", "--role", "verifier", home=home, stdin="pw for vera\n"
    )
    assert user.returncode == 0, user.stderr
    assert f"server data dir {default}" in user.stderr  # the default was used: said so
    code = _fieldapp("admin", "enrollment-code", home=home)
    assert code.returncode == 0 and len(code.stdout.strip()) == 14 and code.stdout.count("\n") == 1
    assert f"server data dir {default}" in code.stderr
    named = _fieldapp("admin", "enrollment-code", "--data-dir", str(default), home=tmp_path)
    assert named.returncode == 0 and named.stderr == "", named.stderr  # named: nothing to say

    # `serve` without --data-dir uses that same directory: the account made above logs in.
    port = free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "fieldapp", "serve", "--port", str(port)],
            cwd=REPO_ROOT,
            env=_env(home),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    server = ServerProcess(process=process, base_url=base_url, log_path=log_path)
    try:
        wait_until_healthy(server, 60.0)
        login = httpx.post(
            f"{base_url}{API}/auth/login", data={"username": "vera", "password": "pw for vera"}
        )
        assert login.status_code == 200, login.text
    finally:
        server.stop()
    assert f"data: {default}" in log_path.read_text()
