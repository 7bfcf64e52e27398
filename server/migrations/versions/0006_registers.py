"""the mission's registers and their signed change log

Revision ID: 0006_registers
Revises: 0007_download_tickets (re-chained after main's 0007 landed; written as 0004)
Create Date: 2026-12-01

- `register_entries`: the current version of each entry of each register (units, camps,
  storage_sites, crossings, lines_and_areas, and the server-only obligations); entries are
  retired, never deleted (server/registers/store.py).
- `register_changes`: every signed entry version devices pull; the autoincrement key is the
  register feed's cursor.
"""

import sqlalchemy as sa
from alembic import op


revision = '0006_registers'
down_revision = '0007_download_tickets'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('register_entries',
    sa.Column('register_name', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('register_name', 'id')
    )
    op.create_table('register_changes',
    sa.Column('cursor', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('register_name', sa.String(length=32), nullable=False),
    sa.Column('entry_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('cursor')
    )


def downgrade() -> None:
    op.drop_table('register_changes')
    op.drop_table('register_entries')
