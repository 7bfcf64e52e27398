"""Schema migrations on existing data, on SQLite and PostgreSQL: what an upgrade finds is flagged."""

from datetime import datetime

import sqlalchemy as sa

from server.database import make_engine, upgrade_schema

WHEN = datetime(2026, 3, 1, 8, 0)
A, B = "a" * 32, "b" * 32
PREV = "1" * 64


def _report(record_id: str, device_id: str, seq: int, prev_hash: str | None, amends: str | None = None):
    return {
        "record_id": record_id,
        "device_id": device_id,
        "seq": seq,
        "body": b"{}",
        "body_hash": record_id.replace("-", "")[:32] * 2,
        "signature": b"\0" * 64,
        "prev_hash": prev_hash,
        "kind": "other",
        "observed_at": WHEN,
        "recorded_at": WHEN,
        "lat": 1.0,
        "lon": 2.0,
        "received_at": WHEN,
        "state": "received",
        "chain_status": "ok",
        "amends": amends,
    }


def _id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def test_upgrading_flags_forks_and_foreign_amendments_already_stored(database_url):
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine, "transparency_log")  # the schema before chain evidence existed
        rows = [
            _report(_id(1), A, 1, None),
            _report(_id(2), A, 2, PREV),
            _report(_id(3), A, 2, "2" * 64),  # same seq as 2: a fork
            _report(_id(4), A, 5, PREV),  # names the same previous hash as 2: a fork
            _report(_id(5), A, 6, "3" * 64, amends=_id(1)),  # amends its own earlier record: fine
            _report(_id(6), B, 1, None, amends=_id(1)),  # amends another device's record
            _report(_id(7), B, 2, "4" * 64),
        ]
        with engine.begin() as connection:
            reports = sa.Table("reports", sa.MetaData(), autoload_with=connection)
            connection.execute(sa.insert(reports), rows)
        upgrade_schema(engine)
        with engine.begin() as connection:
            found = {
                row.record_id: (row.chain_status, bool(row.amends_invalid))
                for row in connection.execute(
                    sa.text("SELECT record_id, chain_status, amends_invalid FROM reports")
                )
            }
            versions = connection.execute(sa.text("SELECT count(*) FROM record_versions")).scalar()
    finally:
        engine.dispose()
    assert found == {
        _id(1): ("ok", False),
        _id(2): ("fork", False),
        _id(3): ("fork", False),
        _id(4): ("fork", False),
        _id(5): ("ok", False),
        _id(6): ("ok", True),
        _id(7): ("ok", False),
    }
    assert versions == 0
