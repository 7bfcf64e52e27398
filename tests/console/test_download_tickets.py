"""Console download tickets (server/console/downloads.py) in the database, on SQLite and
PostgreSQL: single use, expiring, redeemable by any server process (two engines on one
database stand for two processes), spent once under a race, and unreadable in the table."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.console.downloads import TicketStore
from server.database import make_engine, session_factory, upgrade_schema
from tests.server.conftest import backends
from tests.server.pg import fresh_schema

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=backends())
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.db'}"
    else:
        with fresh_schema() as url:
            yield url


def store_on(url: str, now: list[datetime]) -> TicketStore:
    engine = make_engine(url)
    upgrade_schema(engine)
    return TicketStore(session_factory(engine), clock=lambda: now[0], ttl=timedelta(seconds=60))


def test_download_tickets_are_single_use_and_expire(database_url):
    now = [T0]
    store = store_on(database_url, now)
    first = store.issue(token="secret-token", fmt="csv", params={"state": "verified"})
    assert "secret-token" not in first and len(first) >= 40
    found = store.redeem(first)
    assert found is not None and found.token == "secret-token" and found.params == {"state": "verified"}
    assert store.redeem(first) is None  # spent
    late = store.issue(token="t", fmt="geojson", params={})
    now[0] += timedelta(seconds=61)
    assert store.redeem(late) is None  # expired
    assert store.redeem("not a ticket") is None
    with pytest.raises(ValueError):
        store.issue(token="t", fmt="xlsx", params={})


def test_another_process_redeems_a_ticket_once_and_the_table_reveals_nothing(database_url):
    now = [T0]
    issuing, redeeming = store_on(database_url, now), store_on(database_url, now)
    ticket = issuing.issue_evidence(token="session-token-xyz", record_id="0" * 8 + "-0000-4000-8000-" + "0" * 12)
    with make_engine(database_url).connect() as connection:
        rows = connection.execute(sa.text("SELECT ticket_hash, sealed FROM download_tickets")).all()
    assert len(rows) == 1
    assert ticket not in rows[0][0] and b"session-token-xyz" not in bytes(rows[0][1])

    spent: list[object] = []
    racers = [threading.Thread(target=lambda s=s: spent.append(s.redeem(ticket))) for s in (issuing, redeeming) * 2]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=30)
    winners = [found for found in spent if found is not None]
    assert len(winners) == 1 and winners[0].token == "session-token-xyz" and winners[0].fmt == "evidence"


def test_expired_tickets_are_cleared_when_new_ones_are_issued(database_url):
    now = [T0]
    store = store_on(database_url, now)
    for _ in range(5):
        store.issue(token="t", fmt="csv", params={})
    now[0] += timedelta(minutes=5)
    store.issue(token="t", fmt="csv", params={})
    with make_engine(database_url).connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM download_tickets")).scalar() == 1
