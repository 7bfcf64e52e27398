"""chain evidence: forks and amendments outside a device's chain

Revision ID: 0003
Revises: transparency_log
Create Date: 2026-12-01

- `reports.amends_invalid`: the record it amends is another device's, or not earlier.
- `ix_reports_device_prev`: finding two records of one device naming one previous hash.
- `record_versions`: refused second versions of a stored record, kept as fork evidence.
- Existing data: forks already stored (one device, one sequence number or one previous
  hash, two records) become `chain_status = 'fork'`; invalid amendments are flagged.
"""

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = 'transparency_log'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('amends_invalid', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index('ix_reports_device_prev', ['device_id', 'prev_hash'], unique=False)

    op.create_table('record_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('body_hash', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_id', 'body_hash', name='uq_record_versions_hash')
    )
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_versions_record_id'), ['record_id'], unique=False)

    op.execute(
        "UPDATE reports SET chain_status = 'fork' WHERE EXISTS ("
        " SELECT 1 FROM reports other WHERE other.device_id = reports.device_id"
        " AND other.record_id <> reports.record_id"
        " AND (other.seq = reports.seq"
        "      OR (reports.prev_hash IS NOT NULL AND other.prev_hash = reports.prev_hash)))"
    )
    op.execute(
        "UPDATE reports SET amends_invalid = true WHERE amends IS NOT NULL AND EXISTS ("
        " SELECT 1 FROM reports target WHERE target.record_id = reports.amends"
        " AND (target.device_id <> reports.device_id OR target.seq >= reports.seq))"
    )


def downgrade() -> None:
    op.execute("UPDATE reports SET chain_status = 'broken' WHERE chain_status = 'fork'")
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_versions_record_id'))
    op.drop_table('record_versions')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_device_prev')
        batch_op.drop_column('amends_invalid')
