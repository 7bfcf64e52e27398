"""The attacker's view: hand-built requests and envelopes against a real `fieldapp serve` on
loopback (tests/support/live_server.py), one server per test module.

`target` holds the server's URL and data dir, an administrator's and a verifier's bearer
headers, and `enrolled(seed)` for test devices (tests/support/devices.py) enrolled over HTTP.
"""

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.devices import TestDevice, make_device
from tests.support.live_server import create_enrollment_code, create_user, live_server

PASSWORD = "a long password for tests"
API = "/api/v1"


@dataclasses.dataclass
class Target:
    url: str
    data_dir: Path
    http: httpx.Client
    admin: dict[str, str]
    verifier: dict[str, str]

    def code(self) -> str:
        return create_enrollment_code(self.data_dir)

    def enrolled(self, seed: int) -> TestDevice:
        device = make_device(seed)
        device.enroll(self.http, self.code(), base=API)
        return device

    def push(self, device: TestDevice, envelopes: list[dict]) -> list[dict]:
        answer = self.http.post(f"{API}/submissions", json={"envelopes": envelopes}, headers=device.auth)
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]


def sign_in(http: httpx.Client, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = http.post(f"{API}/auth/login", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.fixture(scope="module")
def target(tmp_path_factory) -> Iterator[Target]:
    data_dir = tmp_path_factory.mktemp("server")
    create_user(data_dir, "root", PASSWORD, "admin")
    create_user(data_dir, "vera", PASSWORD, "verifier")
    with live_server(data_dir, console=True) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield Target(url, data_dir, http, sign_in(http, "root"), sign_in(http, "vera"))
