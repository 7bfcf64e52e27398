"""`fieldapp serve` writes its own events to stdout, one JSON object per line, for the log
collector of a multi-process deployment (issue 19, point 3); nothing secret in them."""

import json

import httpx
import pytest

from tests.support.devices import make_device
from tests.support.live_server import create_enrollment_code, free_port, start_live_server

pytestmark = pytest.mark.server


def test_server_events_are_json_lines_on_stdout(tmp_path):
    data_dir, port = tmp_path / "srv", free_port()
    code = create_enrollment_code(data_dir)
    server = start_live_server(data_dir, port=port, stderr_path=tmp_path / "uvicorn.log")
    try:
        device = make_device(seed=5)
        with httpx.Client(base_url=server.base_url) as client:
            answer = device.enroll(client, code)
    finally:
        server.stop()
    out = server.log_path.read_text()
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert any(e.get("event") == "enrollment.enrolled" and e.get("device_id") == device.device_id for e in events)
    assert all({"at", "level", "logger", "event"} <= set(e) for e in events)
    assert code not in out and answer["credential"] not in out
