"""Fixtures for the console's tests: the real server app in process, actors to fill it.

`world` is the server's FastAPI app (SQLite file in a temp dir) with the console mounted on
it in process, for the console's own code: its `ConsoleApi` talks to the API through
`httpx.ASGITransport`. (`fieldapp serve` runs the console in its own process over loopback
HTTP: tests/console/test_isolation.py.) Devices talk to it through a TestClient.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from server import accounts
from server.console.api import ConsoleApi
from server.console.mounting import mount_console
from server.main import create_app
from server.settings import Settings
from tests.support.devices import TestDevice, make_device

PASSWORD = "correct horse battery"
API = "/api/v1"
# Near Misrata; each test device's records are placed around here unless told otherwise.
HERE = (32.3754, 15.0925)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class World:
    app: Any
    settings: Settings
    devices_client: TestClient

    def make_user(self, username: str, role: str = "verifier", password: str = PASSWORD) -> None:
        with self.app.state.context.transaction() as session:
            accounts.create_user(
                session,
                self.settings,
                clock=self.app.state.context.clock,
                username=username,
                password=password,
                role=role,
            )

    def http(self) -> httpx.AsyncClient:
        """A fresh async client on the app (make one per event loop)."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, raise_app_exceptions=False), base_url="http://srv"
        )

    async def console(self, username: str, password: str = PASSWORD) -> ConsoleApi:
        api = ConsoleApi(self.http())
        await api.login(username, password)
        return api

    def enrollment_code(self) -> str:
        from server import enrollment

        context = self.app.state.context
        with context.transaction() as session:
            code, _ = enrollment.create_code(
                session,
                clock=context.clock,
                label="test",
                expires_hours=1,
                default_ttl=context.settings.enrollment_code_ttl,
            )
        return code

    def device(self, seed: int) -> TestDevice:
        device = make_device(seed)
        device.enroll(self.devices_client, self.enrollment_code())
        return device

    def send(self, device: TestDevice, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        envelopes = [device.seal(*device.sign_next(record)) for record in records]
        answer = self.devices_client.post(
            f"{API}/submissions", json={"envelopes": envelopes}, headers=device.auth
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]

    def updates(self, device: TestDevice) -> list[dict[str, Any]]:
        answer = self.devices_client.get(f"{API}/devices/me/updates?since=0", headers=device.auth)
        assert answer.status_code == 200, answer.text
        return answer.json()["updates"]


def report_at(
    device: TestDevice,
    *,
    minutes: float = 0,
    north_km: float = 0,
    kind: str = "unit_movement",
    **overrides: Any,
) -> dict[str, Any]:
    """A record observed `minutes` after T0, `north_km` north of HERE."""
    observed = T0 + timedelta(minutes=minutes)
    record = device.record(
        kind=kind,
        observed_at=observed.isoformat(),
        recorded_at=(observed + timedelta(minutes=2)).isoformat(),
        location={
            "lat": round(HERE[0] + north_km / 111.0, 6),
            "lon": HERE[1],
            "accuracy_m": 10,
            "source": "gps",
        },
        **overrides,
    )
    if kind != "unit_movement":
        record["details"] = {"type": "shelling"} if kind == "violation" else {}
    return record


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    settings = Settings.resolve(data_dir=tmp_path / "srv", environ={}, password_scrypt_n=2**12)
    app = create_app(settings)
    mount_console(app, settings)
    with TestClient(app, raise_server_exceptions=False) as devices_client:
        yield World(app=app, settings=settings, devices_client=devices_client)
    app.state.context.close()
