"""console download tickets in the database

Revision ID: 0007_download_tickets
Revises: 0004
Create Date: 2026-12-01

- `download_tickets`: the console's single-use download tickets (server/console/downloads.py),
  shared by every server process instead of living in one process's memory (issue 19).
"""

import sqlalchemy as sa
from alembic import op


revision = '0007_download_tickets'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('download_tickets',
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ticket_hash')
    )
    with op.batch_alter_table('download_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_download_tickets_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('download_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_download_tickets_expires_at'))
    op.drop_table('download_tickets')
