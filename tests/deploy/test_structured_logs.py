"""`fieldapp serve` writes its own events to stdout, one JSON object per line, for the log
collector of a multi-process deployment (issue 19, point 3); nothing secret in them."""

import json
import signal
import subprocess
import time

import httpx
import pytest

from tests.support.devices import make_device
from tests.support.live_server import REPO_ROOT, create_enrollment_code, free_port, server_command

pytestmark = pytest.mark.server


def test_server_events_are_json_lines_on_stdout(tmp_path):
    data_dir, port = tmp_path / "srv", free_port()
    code = create_enrollment_code(data_dir)
    process = subprocess.Popen(
        server_command("serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)),
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                pytest.fail("the server did not start")
            time.sleep(0.1)
        device = make_device(seed=5)
        with httpx.Client(base_url=url) as client:
            answer = device.enroll(client, code)
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert any(e.get("event") == "enrollment.enrolled" and e.get("device_id") == device.device_id for e in events)
    assert all({"at", "level", "logger", "event"} <= set(e) for e in events)
    assert code not in out and answer["credential"] not in out
