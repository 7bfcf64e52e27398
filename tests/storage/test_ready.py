"""GET /api/v1/ready: what a load balancer asks each process (issue 19, point 3). 200 when the
database answers a query and the photo store a probe; 503 naming the part that does not,
without the cause's text (that goes to the log). /api/v1/health stays the cheap probe."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from server.main import create_app
from server.settings import Settings
from tests.support.live_server import free_port
from tests.support.s3_server import S3Server, s3_server


@pytest.fixture(scope="module")
def s3(tmp_path_factory) -> Iterator[S3Server]:
    with s3_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


def client_for(tmp_path, monkeypatch, s3: S3Server | None = None, **overrides) -> TestClient:
    if s3 is not None:
        for name, value in s3.environ().items():
            monkeypatch.setenv(name, value)
    settings = Settings.resolve(
        data_dir=tmp_path / "data",
        database_url=overrides.pop("database_url", None),
        environ={},
        console=False,
        **overrides,
    )
    return TestClient(create_app(settings), raise_server_exceptions=False)


def test_a_healthy_process_is_ready(tmp_path, monkeypatch):
    with client_for(tmp_path, monkeypatch) as client:
        answer = client.get("/api/v1/ready")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "database": "ok", "attachments": "ok"}


def test_photos_on_s3_are_ready_when_the_bucket_answers(tmp_path, monkeypatch, s3):
    bucket = s3.make_bucket("ready-photos")
    with client_for(tmp_path, monkeypatch, s3, attachments_url=f"s3://{bucket}/p") as client:
        assert client.get("/api/v1/ready").status_code == 200


def test_a_missing_bucket_makes_the_process_not_ready(tmp_path, monkeypatch, s3):
    with client_for(tmp_path, monkeypatch, s3, attachments_url="s3://no-such-bucket/p") as client:
        answer = client.get("/api/v1/ready")
        health = client.get("/api/v1/health")
    assert answer.status_code == 503
    assert answer.json() == {"status": "not ready", "database": "ok", "attachments": "unavailable"}
    assert health.status_code == 200  # liveness is not readiness: the process itself is fine


def test_an_unreachable_database_makes_the_process_not_ready(tmp_path, monkeypatch):
    closed = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none?connect_timeout=2"
    settings = Settings.resolve(data_dir=tmp_path / "data", database_url=closed, environ={}, console=False)
    with TestClient(create_app(settings, migrate=False), raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/ready")
    assert answer.status_code == 503
    assert answer.json() == {"status": "not ready", "database": "unavailable", "attachments": "ok"}
    assert "127.0.0.1" not in answer.text and "nobody" not in answer.text
