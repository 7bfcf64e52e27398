"""A server process told to stop (SIGTERM, as a load balancer's deploy or systemd does) first
finishes the batches it is working on: the device gets its signed receipts, every record of
the batch is stored, and the process exits cleanly (issue 19, point 3)."""

import signal
import threading
import time

import httpx
import pytest

from tests.support.devices import make_device
from tests.support.live_server import create_enrollment_code, live_server_process

pytestmark = pytest.mark.server

BATCH = 1000  # the most a batch may hold (sync.wire.MAX_BATCH_ITEMS): ~1 s of verify + unseal + store


def test_sigterm_finishes_the_batch_in_flight(tmp_path):
    data_dir = tmp_path / "srv"
    with live_server_process(data_dir) as (url, process):
        device = make_device(seed=11)
        with httpx.Client(base_url=url, timeout=60) as client:
            device.enroll(client, create_enrollment_code(data_dir))
            envelopes = device.envelopes(BATCH)
            answers: list[httpx.Response] = []
            sender = threading.Thread(
                target=lambda: answers.append(
                    client.post("/api/v1/submissions", json={"envelopes": envelopes}, headers=device.auth)
                )
            )
            sender.start()
            time.sleep(0.2)  # sent: the server is opening and storing it
            assert not answers, "the batch was answered before the stop: make BATCH larger"
            process.send_signal(signal.SIGTERM)
            sender.join(timeout=60)
        # uvicorn re-raises the signal once it has shut down: "terminated by SIGTERM", after
        # the work was done (systemd and container runtimes count that as a clean stop).
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    log = (data_dir / "server.log").read_text()
    assert log.index("Shutting down") < log.index(f'"accepted": {BATCH}') < log.index("Application shutdown complete")
    assert answers and answers[0].status_code == 200, answers
    results = answers[0].json()["results"]
    assert len(results) == BATCH and {r["status"] for r in results} == {"accepted"}

    # Started again, the server holds every record of that batch: none was half-written.
    with live_server_process(data_dir) as (url, _process), httpx.Client(base_url=url, timeout=60) as client:
        again = client.post("/api/v1/submissions", json={"envelopes": envelopes}, headers=device.auth)
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
