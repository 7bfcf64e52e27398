"""A stranger on the network guessing passwords (issue 10, point 5), against real server
processes: the limits are in the database, so guesses spread over several processes behind a
load balancer are counted together."""

import contextlib

import httpx
import pytest

from tests.security.conftest import API, PASSWORD
from tests.server.pg import fresh_schema, postgres_required
from tests.support.live_server import create_user, live_server

BACKENDS = ["sqlite"] + (
    [pytest.param("postgres", marks=pytest.mark.postgres)] if postgres_required() else []
)


@contextlib.contextmanager
def _database(kind):
    if kind == "sqlite":
        yield None  # the data dir's server.db, shared by both processes
    else:
        with fresh_schema() as url:
            yield url


@pytest.mark.parametrize("kind", BACKENDS)
def test_failures_spread_over_two_processes_lock_the_account_in_both(tmp_path, kind):
    data = tmp_path / "srv"
    with _database(kind) as url:
        create_user(data, "vera", PASSWORD, "verifier", database_url=url)
        with live_server(data, url) as one, live_server(data, url) as two:
            for attempt in range(5):
                answer = httpx.post(
                    f"{(one, two)[attempt % 2]}{API}/auth/login",
                    json={"username": "vera", "password": f"guess {attempt}"},
                    timeout=30,
                )
                assert answer.status_code == 401, answer.text
            for base in (one, two):
                answer = httpx.post(
                    f"{base}{API}/auth/login", json={"username": "vera", "password": PASSWORD}, timeout=30
                )
                assert answer.status_code == 429, answer.text
                assert 1 <= int(answer.headers["retry-after"]) <= 15
