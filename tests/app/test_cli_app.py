"""The `app` and `demo` verbs: clear one-line errors, and the demo really comes up and stops."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from fieldapp.cli.main import main
from tests.support.live_server import REPO_ROOT, free_port

pytestmark = pytest.mark.live  # the CLI in subprocesses / real servers: main suite only (pyproject)


def test_app_without_a_desktop_client_suggests_web(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["app", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "--web" in err


def test_app_on_a_busy_port_says_so_in_one_line(capsys, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["app", "--web", "--port", str(port), "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: cannot listen on 127.0.0.1:") and "--port" in err
    assert len(err.splitlines()) == 1


@pytest.mark.slow
@pytest.mark.server  # the demo runs the server and flet-web's web serving: not on a phone
def test_demo_starts_server_and_app_prints_a_working_login_and_stops_on_ctrl_c(tmp_path):
    app_port, server_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fieldapp",
            "demo",
            "--port",
            str(app_port),
            "--server-port",
            str(server_port),
            "--dir",
            str(tmp_path / "demo"),
        ],
        cwd=REPO_ROOT,
        env={k: v for k, v in os.environ.items() if k != "FIELDAPP_DATABASE_URL"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "FieldApp is at" in line:
                break
        output = "".join(lines)
        assert f"http://127.0.0.1:{app_port}/" in output, output
        login = re.search(r"verifier login:\s+(\S+) / (\S+)", output)
        assert login, output
        base = f"http://127.0.0.1:{server_port}"
        assert httpx.get(f"{base}/docs").status_code == 200
        token = httpx.post(f"{base}/api/v1/auth/login", json={"username": login[1], "password": login[2]})
        assert token.status_code == 200, token.text
        auth = {"Authorization": f"Bearer {token.json()['token']}"}
        tracker = httpx.get(f"{base}/api/v1/tracker", headers=auth).json()  # the demo's register moved it
        statuses = {o["obligation"]["id"]: o["status"] for o in tracker["obligations"]}
        assert statuses["return-unit-w1"] == "reported_complete" and statuses["return-unit-e7"] == "in_progress"
        assert statuses["return-unit-w2"] == "not_started"  # its only report was rejected
        assert tracker["progress"][-1]["fighters_departed"] == 265  # 180 + the sitrep days' 85
        flags = httpx.get(f"{base}/api/v1/tracker/flags", headers=auth).json()
        assert {"beyond_withdrawal_line", "in_demilitarised_area", "outside_storage_sites"} <= {f["rule"] for f in flags}
        sitrep = httpx.get(f"{base}/api/v1/sitreps", params={"format": "json"}, headers=auth, timeout=60).json()
        report = sitrep["report"]  # the newest day's report (docs/sitreps.md): several areas and kinds
        assert report["definition"]["date_to"] in output
        by_area = {a["id"]: a for a in report["areas"]}
        assert by_area["aor-east"]["reports"] >= 5 and by_area["aor-west"]["reports"] >= 3
        assert sum(1 for kind in report["areas"][0]["kinds"] if any(
            a["kinds"][kind]["current"] for a in report["areas"])) >= 6
        totals = report["totals"]
        assert totals["violations"] == 54 and totals["previous_violations"] == 26  # a change from the day before
        assert report["heavy_weapons"] and len(report["freedom_of_movement"]) == 1
        for _ in range(50):  # the app's web server comes up just after the line is printed
            try:
                if httpx.get(f"http://127.0.0.1:{app_port}/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the demo app never answered")
        assert (tmp_path / "demo" / "device" / "vault.json").exists()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rest, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, rest
    assert "demo stopped" in rest
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{server_port}/api/v1/health", timeout=2)
