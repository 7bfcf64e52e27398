"""the mission's own map layers

Revision ID: 0009_map_layers
Revises: 0010_perf_tallies
Create Date: 2026-12-01

- `map_layers`: GeoJSON layers an administrator uploaded (agreed lines, areas, camps), stored
  checked, drawn on every map (server/map_layers.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_map_layers"
down_revision = "0010_perf_tallies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "map_layers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("feature_count", sa.Integer(), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("map_layers")
