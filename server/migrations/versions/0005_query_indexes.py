"""indexes the queue, corroboration and exports page by; maintained report tallies

Revision ID: 0005_query_indexes
Revises: 0006_registers (0004 on this branch before main's 0007 and 0006 were merged in)
Create Date: 2026-12-01

- `ix_reports_queue` / `ix_reports_state_queue`: the queue's whole ORDER BY (received_at,
  device_id, seq, record_id), after `state` for the filtered queue; they hold the record id,
  so a page (and the rows an OFFSET skips) is read from the index alone.
- `ix_reports_nearby` (observed_at, lat, lon, kind, device_id, record_id): corroboration's
  time window is the range, and every other test of the prefilter is answered inside the
  index. It replaces `ix_reports_observed_at` (a prefix of it) and `ix_reports_kind`, which
  SQLite's planner preferred for `kind IN (...)` and which nothing needs now that the counts
  come from the tallies.
- `report_tallies`: reports per (device, kind, state, chain status), kept by triggers on
  `reports` in the same transaction as the change, so the queue's counts, its total and the
  devices list read a few hundred rows instead of scanning every report.
- `report_detail_columns`: every `details_*` column a stored report has, so the CSV export
  can write its header before its first row (filled at ingest, backfilled here).
- ANALYZE, so both planners start with statistics.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0005_query_indexes"
down_revision = "0006_registers"
branch_labels = None
depends_on = None

QUEUE_ORDER = ["received_at", "device_id", "seq", "record_id"]
NEARBY = ["observed_at", "lat", "lon", "kind", "device_id", "record_id"]
TALLY_KEY = ["device_id", "kind", "state", "chain_status"]


def upgrade() -> None:
    # Plain index operations (no batch mode: on SQLite that could rebuild the table and lose
    # its triggers).
    op.drop_index("ix_reports_state_received", table_name="reports")
    op.drop_index("ix_reports_observed_at", table_name="reports")
    op.drop_index("ix_reports_kind", table_name="reports")
    op.create_index("ix_reports_queue", "reports", QUEUE_ORDER)
    op.create_index("ix_reports_state_queue", "reports", ["state", *QUEUE_ORDER])
    op.create_index("ix_reports_nearby", "reports", NEARBY)
    op.create_table(
        "report_tallies",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("chain_status", sa.String(length=10), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*TALLY_KEY),
    )
    op.create_table(
        "report_detail_columns",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.execute(
        "INSERT INTO report_tallies (device_id, kind, state, chain_status, n) "
        "SELECT device_id, kind, state, chain_status, count(*) FROM reports "
        "GROUP BY device_id, kind, state, chain_status"
    )
    _tally_triggers()
    _backfill_detail_columns()
    op.execute("ANALYZE")


def _tally_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Statement-level with transition tables: one grouped upsert per INSERT of a batch.
        op.execute(
            "CREATE FUNCTION report_tallies_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO report_tallies AS t (device_id, kind, state, chain_status, n) "
            "SELECT device_id, kind, state, chain_status, count(*) FROM new_rows "
            "GROUP BY device_id, kind, state, chain_status "
            "ON CONFLICT (device_id, kind, state, chain_status) DO UPDATE SET n = t.n + excluded.n; "
            "RETURN NULL; END $$"
        )
        op.execute(
            "CREATE FUNCTION report_tallies_remove() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE report_tallies AS t SET n = t.n - o.n FROM (SELECT device_id, kind, state, "
            "chain_status, count(*) AS n FROM old_rows GROUP BY device_id, kind, state, chain_status) o "
            "WHERE t.device_id = o.device_id AND t.kind = o.kind AND t.state = o.state "
            "AND t.chain_status = o.chain_status; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER report_tallies_insert AFTER INSERT ON reports REFERENCING NEW TABLE AS "
            "new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_add()"
        )
        op.execute(
            "CREATE TRIGGER report_tallies_delete AFTER DELETE ON reports REFERENCING OLD TABLE AS "
            "old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_remove()"
        )
        # An UPDATE: the old rows out, the new rows in (two triggers; removal first by name order).
        op.execute(
            "CREATE TRIGGER report_tallies_update_a AFTER UPDATE ON reports REFERENCING OLD TABLE AS "
            "old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_remove()"
        )
        op.execute(
            "CREATE TRIGGER report_tallies_update_b AFTER UPDATE ON reports REFERENCING NEW TABLE AS "
            "new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_add()"
        )
        return
    add = (
        "INSERT INTO report_tallies (device_id, kind, state, chain_status, n) "
        "VALUES (new.device_id, new.kind, new.state, new.chain_status, 1) "
        "ON CONFLICT (device_id, kind, state, chain_status) DO UPDATE SET n = n + 1;"
    )
    remove = (
        "UPDATE report_tallies SET n = n - 1 WHERE device_id = old.device_id AND kind = old.kind "
        "AND state = old.state AND chain_status = old.chain_status;"
    )
    op.execute(f"CREATE TRIGGER report_tallies_insert AFTER INSERT ON reports BEGIN {add} END")
    op.execute(f"CREATE TRIGGER report_tallies_delete AFTER DELETE ON reports BEGIN {remove} END")
    op.execute(
        "CREATE TRIGGER report_tallies_update AFTER UPDATE OF device_id, kind, state, chain_status "
        "ON reports WHEN old.device_id IS NOT new.device_id OR old.kind IS NOT new.kind "
        f"OR old.state IS NOT new.state OR old.chain_status IS NOT new.chain_status BEGIN {remove} {add} END"
    )


def _backfill_detail_columns() -> None:
    from server.detail_columns import detail_columns

    connection = op.get_bind()
    names: set[str] = set()
    for (body,) in connection.execute(sa.text("SELECT body FROM reports")):
        try:
            content = json.loads(bytes(body))
        except ValueError:
            continue
        if isinstance(content, dict):
            names |= detail_columns(content)
    if names:
        table = sa.table("report_detail_columns", sa.column("name"))
        connection.execute(sa.insert(table), [{"name": name} for name in sorted(names)])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("insert", "delete", "update_a", "update_b"):
            op.execute(f"DROP TRIGGER IF EXISTS report_tallies_{name} ON reports")
        op.execute("DROP FUNCTION IF EXISTS report_tallies_add()")
        op.execute("DROP FUNCTION IF EXISTS report_tallies_remove()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS report_tallies_{name}")
    op.drop_table("report_detail_columns")
    op.drop_table("report_tallies")
    for name in ("ix_reports_nearby", "ix_reports_state_queue", "ix_reports_queue"):
        op.drop_index(name, table_name="reports")
    op.create_index("ix_reports_kind", "reports", ["kind"])
    op.create_index("ix_reports_observed_at", "reports", ["observed_at"])
    op.create_index("ix_reports_state_received", "reports", ["state", "received_at"])
