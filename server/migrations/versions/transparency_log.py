"""transparency log

Revision ID: transparency_log
Revises: 0002
Create Date: 2026-12-01

The append-only Merkle log (docs/evidence.md): leaves (append-only: triggers refuse UPDATE
and DELETE), stored subtree hashes from level 8 up (append-only too), the head row every
append locks, and the alarms devices raise. Reports and decisions already stored are
appended in the order they happened (received_at / decision time), so an existing server's
history is in the log from the start.
"""

import sqlalchemy as sa
from alembic import op

from sync.log_protocol import DecisionLeaf, RecordLeaf, format_time
from sync.merkle import append_leaves, leaf_hash

revision = 'transparency_log'
down_revision = '0002'
branch_labels = None
depends_on = None

NODE_STORE_LEVEL = 8  # as server/transparency/tables.py
APPEND_ONLY = ("log_leaves", "log_nodes")


def upgrade() -> None:
    op.create_table('log_leaves',
    sa.Column('leaf_index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('leaf_type', sa.String(length=10), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('leaf_hash', sa.LargeBinary(), nullable=False),
    sa.Column('leaf', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('leaf_index'),
    sa.UniqueConstraint('event_id'),
    )
    with op.batch_alter_table('log_leaves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_log_leaves_record_id'), ['record_id'], unique=False)
        batch_op.create_index(
            'ux_log_leaves_record', ['record_id'], unique=True,
            sqlite_where=sa.text("leaf_type = 'record'"), postgresql_where=sa.text("leaf_type = 'record'"),
        )
    op.create_table('log_nodes',
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('node_index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('level', 'node_index'),
    )
    op.create_table('log_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('frontier', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_table('log_alarms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('detected_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=True),
    sa.Column('kept_head', sa.Text(), nullable=True),
    sa.Column('seen_head', sa.Text(), nullable=True),
    sa.Column('heads_signed_by_server', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('log_alarms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_log_alarms_device_id'), ['device_id'], unique=False)
    _backfill()
    for table in APPEND_ONLY:
        _make_append_only(table)


def _backfill() -> None:
    """Append every stored report and decision, oldest first, and write the head row."""
    bind = op.get_bind()
    events = [
        (row.received_at, 0, row.seq, "record", row.record_id, None,
         RecordLeaf(
             record_id=row.record_id, device_id=row.device_id, seq=row.seq, prev_hash=row.prev_hash,
             body_hash=row.body_hash, received_at=format_time(row.received_at),
         ).encode())
        for row in bind.execute(sa.text(
            "SELECT record_id, device_id, seq, prev_hash, body_hash, received_at FROM reports"
        ).columns(received_at=sa.DateTime()))
    ]
    events += [
        (row.at, 1, row.id, "decision", row.record_id, row.id,
         DecisionLeaf(
             event_id=row.id, record_id=row.record_id, actor=row.actor, at=format_time(row.at),
             from_state=row.from_state, to_state=row.to_state,
             reason_sha256=DecisionLeaf.reason_hash(row.reason),
         ).encode())
        for row in bind.execute(sa.text(
            "SELECT id, record_id, actor, at, from_state, to_state, reason FROM review_events"
        ).columns(at=sa.DateTime()))
    ]
    events.sort(key=lambda e: (e[0], e[1], e[2], e[4]))
    hashes = [leaf_hash(e[6]) for e in events]
    size, frontier, nodes = append_leaves(0, [], hashes, keep_from_level=NODE_STORE_LEVEL)
    leaves = sa.table('log_leaves', *(sa.column(c) for c in (
        'leaf_index', 'leaf_type', 'record_id', 'event_id', 'leaf_hash', 'leaf')))
    rows = [
        {"leaf_index": i, "leaf_type": e[3], "record_id": e[4], "event_id": e[5], "leaf_hash": h, "leaf": e[6]}
        for i, (e, h) in enumerate(zip(events, hashes, strict=True))
    ]
    for start in range(0, len(rows), 5000):
        bind.execute(leaves.insert(), rows[start:start + 5000])
    if nodes:
        table = sa.table('log_nodes', sa.column('level'), sa.column('node_index'), sa.column('hash'))
        bind.execute(table.insert(), [{"level": lv, "node_index": i, "hash": h} for lv, i, h in nodes])
    head = sa.table('log_head', sa.column('id'), sa.column('tree_size'), sa.column('frontier'))
    bind.execute(head.insert(), [{"id": 1, "tree_size": size, "frontier": b"".join(frontier)}])


def _make_append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the transparency log is append-only'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    with op.batch_alter_table('log_alarms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_log_alarms_device_id'))
    op.drop_table('log_alarms')
    op.drop_table('log_head')
    op.drop_table('log_nodes')
    with op.batch_alter_table('log_leaves', schema=None) as batch_op:
        batch_op.drop_index('ux_log_leaves_record')
        batch_op.drop_index(batch_op.f('ix_log_leaves_record_id'))
    op.drop_table('log_leaves')
