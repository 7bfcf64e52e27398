"""A server that rewrites its history: the transparency log rebuilt with one leaf changed.

What an insider with the database (or a compromised server) would do to backdate a report
or swap its content: drop the append-only triggers, empty the log and append it again with
one leaf altered. The tree keeps its size, so nothing looks different unless someone checks
the root against one they kept — which is what each device's audit does.
"""

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.database import make_engine
from server.settings import sqlite_url
from server.transparency.log_store import NewLeaf, append
from sync.log_protocol import RecordLeaf, decode_leaf

TRIGGERS = ("log_leaves_no_update", "log_leaves_no_delete", "log_nodes_no_update", "log_nodes_no_delete")


BACKDATED = "2020-01-01T00:00:00.000000Z"


def rewrite_history(server_dir: Path, *, leaf_index: int = 0, received_at: str = BACKDATED) -> None:
    """Rebuild the server's (SQLite) log with leaf `leaf_index`'s received_at replaced."""
    engine = make_engine(sqlite_url(Path(server_dir) / "server.db"))
    try:
        with engine.begin() as connection:
            rows = connection.execute(
                sa.text("SELECT leaf_type, record_id, event_id, leaf FROM log_leaves ORDER BY leaf_index")
            ).all()
            for trigger in TRIGGERS:
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
            connection.exec_driver_sql("DELETE FROM log_leaves")
            connection.exec_driver_sql("DELETE FROM log_nodes")
            connection.exec_driver_sql("UPDATE log_head SET tree_size = 0, frontier = x''")
        leaves = []
        for index, row in enumerate(rows):
            leaf = row.leaf
            if index == leaf_index:
                old = decode_leaf(leaf)
                assert isinstance(old, RecordLeaf)
                leaf = dataclasses.replace(old, received_at=received_at).encode()
            leaves.append(NewLeaf(row.leaf_type, row.record_id, leaf, event_id=row.event_id))
        with Session(engine) as session, session.begin():
            append(session, leaves, now=datetime.now(UTC))
    finally:
        engine.dispose()
