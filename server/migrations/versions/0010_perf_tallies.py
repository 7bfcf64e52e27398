"""report tallies stored compactly and kept compact

Revision ID: 0010_perf_tallies
Revises: 0008_location_description
Create Date: 2026-12-01

`report_tallies` (a few hundred to a few thousand rows, updated by a trigger with every
ingested batch and every decision) is read whole by the queue's counts and the devices list.
- SQLite: a WITHOUT ROWID table, so the rows live in their primary key's B-tree: a count reads
  a few dozen pages in key order instead of the key index plus a row lookup each, and each
  trigger upsert touches one B-tree instead of two.
- PostgreSQL: every update leaves a dead row version behind; with half-empty pages
  (fillfactor 50) the updates are HOT and pruned in place, and autovacuum visits the table
  after every 500 dead rows instead of after 20 % of it, so a count scans live rows, not
  thousands of dead ones.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_perf_tallies"
down_revision = "0008_location_description"
branch_labels = None
depends_on = None

_COLUMNS = (
    "device_id VARCHAR(32) NOT NULL, kind VARCHAR(40) NOT NULL, state VARCHAR(20) NOT NULL, "
    "chain_status VARCHAR(10) NOT NULL, n BIGINT NOT NULL, "
    "PRIMARY KEY (device_id, kind, state, chain_status)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE report_tallies SET (fillfactor = 50, autovacuum_vacuum_threshold = 500, "
            "autovacuum_vacuum_scale_factor = 0)"
        )
        return
    _rebuild(" WITHOUT ROWID")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE report_tallies RESET (fillfactor, autovacuum_vacuum_threshold, "
            "autovacuum_vacuum_scale_factor)"
        )
        return
    _rebuild("")


def _rebuild(options: str) -> None:
    """The table made again with `options`; the triggers on `reports` that keep it (migration
    0005) are set aside and put back as they were (SQLite checks them when a table is renamed)."""
    connection = op.get_bind()
    triggers = connection.execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'reports' "
            "AND sql LIKE '%report_tallies%'"
        )
    ).all()
    for name, _sql in triggers:
        op.execute(f'DROP TRIGGER "{name}"')
    op.execute(f"CREATE TABLE report_tallies_rebuilt ({_COLUMNS}){options}")
    op.execute(
        "INSERT INTO report_tallies_rebuilt (device_id, kind, state, chain_status, n) "
        "SELECT device_id, kind, state, chain_status, n FROM report_tallies"
    )
    op.execute("DROP TABLE report_tallies")
    op.execute("ALTER TABLE report_tallies_rebuilt RENAME TO report_tallies")
    for _name, sql in triggers:
        op.execute(sql)
    op.execute("ANALYZE report_tallies")
