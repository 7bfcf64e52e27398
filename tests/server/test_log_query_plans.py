"""The log's proofs read by index on SQLite, whatever the log's size: no full table scan.

A proof asks for O(log n) stored subtree hashes and at most a few 256-leaf blocks; a query
the database answers by scanning `log_nodes` or `log_leaves` would make each proof O(n)
(measured by bench/log.py). Each statement a proof runs is explained by SQLite itself.
"""

import random
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from server.context import opened
from server.settings import Settings
from server.transparency import log_store
from server.transparency.log_store import NewLeaf


def test_proofs_never_scan_a_log_table(tmp_path):
    settings = Settings.resolve(data_dir=tmp_path / "srv", environ={})
    rng = random.Random(5)
    with opened(settings) as ctx:
        with ctx.transaction() as session:
            leaves = [
                NewLeaf("record", str(uuid.UUID(int=rng.getrandbits(128))), b"leaf %d" % i)
                for i in range(3000)
            ]
            log_store.append(session, leaves, now=datetime(2026, 3, 2, tzinfo=UTC))
        statements: list[tuple[str, object]] = []

        def seen(_conn, _cursor, statement, parameters, _context, _many):
            if "log_nodes" in statement or "log_leaves" in statement:
                statements.append((statement, parameters))

        sa.event.listen(ctx.engine, "before_cursor_execute", seen)
        with ctx.transaction() as session:
            log_store.prove_inclusion(session, 1234, 3000)
            log_store.prove_consistency(session, 1000, 3000)
        sa.event.remove(ctx.engine, "before_cursor_execute", seen)
        assert any("log_nodes" in s for s, _ in statements) and any("log_leaves" in s for s, _ in statements)
        with ctx.engine.connect() as connection:
            for statement, parameters in statements:
                plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                details = [row[-1] for row in plan]
                assert not any(d.startswith("SCAN log_") for d in details), (statement, details)
