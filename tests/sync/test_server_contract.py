"""The engine's unit tests talk to `FakeServer` (httpx.MockTransport); the app talks to the real
API. These scenarios run the same engine against both — the fake in memory, the real server
as a uvicorn process on loopback — so the fake cannot drift from what the server does.
"""

import random
import uuid
from collections.abc import Iterator

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.engine import SyncEngine, SyncOptions
from sync.report import SyncReport
from sync.retry import RetryPolicy
from sync.transport import SyncClient
from tests.support.devices import TestDevice, make_device
from tests.support.live_server import create_enrollment_code, create_user
from tests.sync.fakes import FakeServer, MemoryOutbox, review_update
from tests.sync.live import server_reports

PASSWORD = "a long enough password"


class FakeBackend:
    """FakeServer behind MockTransport, with the same controls as the real one below."""

    def __init__(self) -> None:
        self.server = FakeServer()
        self.http = httpx.Client(transport=self.server.transport())
        self.base_url = "http://server"
        self.credential = "cred"
        self.sign_key = self.server.public_sign_key
        seal_key = X25519PrivateKey.generate().public_key().public_bytes_raw()
        self.device = make_device(server_seal_key=seal_key)

    def decide(self, record_id: str, state: str, message: str | None) -> None:
        self.server.updates.append(review_update(len(self.server.updates) + 1, record_id, state, message))

    def stored(self) -> int:
        return len(self.server.stored)


class RealBackend:
    """The real server (`fieldapp serve` on loopback), a freshly enrolled test device, a verifier."""

    def __init__(self, url: str, data_dir) -> None:
        self.http = httpx.Client()
        self.base_url = url
        self.data_dir = data_dir
        self.device: TestDevice = make_device()
        with httpx.Client(base_url=url) as enrol:
            self.device.enroll(enrol, create_enrollment_code(data_dir))
        assert self.device.credential and self.device.server_sign_key
        self.credential = self.device.credential
        self.sign_key = self.device.server_sign_key
        username = f"vera-{uuid.uuid4().hex[:8]}"
        create_user(data_dir, username, PASSWORD, "verifier")
        login = httpx.post(f"{url}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        self.verifier = {"Authorization": f"Bearer {login.json()['token']}"}

    def decide(self, record_id: str, state: str, message: str | None) -> None:
        answer = self.http.post(
            f"{self.base_url}/api/v1/reports/{record_id}/decision",
            json={"state": state, "reason": message},
            headers=self.verifier,
        )
        assert answer.status_code == 200, answer.text

    def stored(self) -> int:
        return len(server_reports(self.data_dir, self.device.device_id))


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.live)])
def backend(request) -> Iterator[FakeBackend | RealBackend]:
    if request.param == "fake":
        made: FakeBackend | RealBackend = FakeBackend()
    else:
        live = request.getfixturevalue("server")
        made = RealBackend(live.url, live.data_dir)
    yield made
    made.http.close()


def outbox_of(envelopes: list[dict]) -> MemoryOutbox:
    outbox = MemoryOutbox()
    for envelope in envelopes:
        outbox.add(envelope)
    return outbox


def run(backend, outbox: MemoryOutbox, *, credential: str | None = None, **options) -> SyncReport:
    client = SyncClient(backend.http, base_url=backend.base_url, credential=credential or backend.credential)
    options.setdefault("retry", RetryPolicy(attempts=3, base=0.01, cap=0.05))
    engine = SyncEngine(
        outbox,
        client,
        server_sign_key=backend.sign_key,
        options=SyncOptions(**options),
        sleep=lambda _s: None,
        rng=random.Random(3),
    )
    return engine.run()


def test_push_marks_every_record_sent_and_a_resend_is_a_duplicate(backend):
    envelopes = backend.device.envelopes(6)
    first = outbox_of(envelopes)
    report = run(backend, first, max_batch_items=4)
    assert report.status == "done", report.error
    assert (report.sent, report.duplicate, report.still_queued) == (6, 0, 0)
    assert first.count_queued() == 0
    # The answer was lost: the device still has them queued and sends them again.
    again = run(backend, outbox_of(envelopes))
    assert again.status == "done" and (again.sent, again.duplicate) == (0, 6)
    assert backend.stored() == 6


def test_a_verifiers_decision_comes_back_once(backend):
    envelopes = backend.device.envelopes(3)
    outbox = outbox_of(envelopes)
    assert run(backend, outbox).status == "done"
    asked = envelopes[0]["header"]["record_id"]
    backend.decide(asked, "needs_info", "Which road after the bridge?")
    report = run(backend, outbox)
    assert report.status == "done" and report.updates_pulled >= 1
    assert outbox.review[asked] == ("needs_info", "Which road after the bridge?")
    assert outbox.state[asked] == "needs_info"
    assert run(backend, outbox).updates_pulled == 0  # the cursor was kept


def test_a_wrong_credential_stops_the_run_and_marks_nothing(backend):
    outbox = outbox_of(backend.device.envelopes(2))
    report = run(backend, outbox, credential="not-the-credential")
    assert report.status == "failed" and "credential" in report.error
    assert outbox.count_queued() == 2 and outbox.mark_calls == 0
    assert backend.stored() == 0
