"""Fixtures for the server's contract suite: each test runs on SQLite and, when
FIELDAPP_TEST_DATABASE_URL is set, on PostgreSQL too (a fresh schema per test).

In CI (CI=true) the PostgreSQL URL must be set and reachable: otherwise these tests
fail rather than skip.
"""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from server import accounts
from server.main import create_app
from server.models import Report
from server.settings import Settings, sqlite_url
from tests.server.pg import fresh_schema, postgres_required
from tests.support.devices import TestDevice, make_device

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
API = "/api/v1"


def backends() -> list[Any]:
    found: list[Any] = ["sqlite"]
    if postgres_required():
        found.append(pytest.param("postgres", marks=pytest.mark.postgres))
    return found


@dataclass
class FakeClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Harness:
    """A server app in-process (TestClient), with helpers to make the actors of a test."""

    client: TestClient
    settings: Settings
    clock: FakeClock
    app: Any
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def ctx(self):
        return self.app.state.context

    def make_user(self, username: str, role: str) -> dict[str, str]:
        with self.ctx.transaction() as session:
            accounts.create_user(
                session, self.settings, clock=self.clock, username=username, password=PASSWORD, role=role
            )
        answer = self.client.post(f"{API}/auth/login", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        self.tokens[username] = answer.json()["token"]
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    def enrollment_code(self, admin_headers: dict[str, str], **body: Any) -> str:
        answer = self.client.post(f"{API}/enrollment-codes", json=body, headers=admin_headers)
        assert answer.status_code == 201, answer.text
        return answer.json()["code"]

    def device(self, admin_headers: dict[str, str], seed: int | None = None) -> TestDevice:
        device = make_device(seed)
        device.enroll(self.client, self.enrollment_code(admin_headers))
        return device

    def submit(self, device: TestDevice, envelopes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self.client.post(f"{API}/submissions", json={"envelopes": envelopes}, headers=device.auth)
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]

    def report_count(self) -> int:
        with self.ctx.transaction() as session:
            return session.scalar(sa.select(sa.func.count()).select_from(Report))


@pytest.fixture(params=backends())
def database_url(request, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "data" / "server.db")
    else:
        with fresh_schema() as url:
            yield url


@contextlib.contextmanager
def running_harness(database_url: str, tmp_path: Path) -> Iterator[Harness]:
    """An app on this database, with a fake clock, behind a TestClient."""
    settings = Settings.resolve(
        data_dir=tmp_path / "data",
        database_url=database_url,
        environ={},
        password_scrypt_n=2**12,
        console=False,
    )
    clock = FakeClock()
    app = create_app(settings, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Harness(client=client, settings=settings, clock=clock, app=app)
    app.state.context.close()


@pytest.fixture
def harness(database_url: str, tmp_path: Path) -> Iterator[Harness]:
    with running_harness(database_url, tmp_path) as running:
        yield running


@pytest.fixture
def admin_headers(harness: Harness) -> dict[str, str]:
    return harness.make_user("root", "admin")


@pytest.fixture
def verifier_headers(harness: Harness) -> dict[str, str]:
    return harness.make_user("vera", "verifier")
