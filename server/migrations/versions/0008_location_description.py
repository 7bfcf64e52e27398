"""reports.location_description: "12 km NE of Sirte", from the gazetteer

Revision ID: 0008_location_description
Revises: 0005_query_indexes
Create Date: 2026-12-01

Ingest fills the column for new reports (server/location_description.py); this fills it for
the reports already stored, from their lat/lon columns (plain on the row, so no body is
read). The descriptions are computed here in Python, put in a temporary table with one bulk
insert per chunk, and written with one UPDATE ... FROM: one statement, so PostgreSQL's
statement-level tally triggers on `reports` run once, not once per row (the SQLite tally
trigger only fires for the columns it counts).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_location_description"
down_revision = "0005_query_indexes"
branch_labels = None
depends_on = None

CHUNK = 5000


def upgrade() -> None:
    # Plain ADD COLUMN (no batch mode: on SQLite that could rebuild the table and lose its triggers).
    op.add_column("reports", sa.Column("location_description", sa.String(length=200), nullable=True))
    _backfill()


def _backfill() -> None:
    from server.location_description import describe_location

    connection = op.get_bind()
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE location_backfill (record_id VARCHAR(36) PRIMARY KEY, text VARCHAR(200))"
    )
    backfill = sa.table("location_backfill", sa.column("record_id"), sa.column("text"))
    rows = connection.execute(sa.text("SELECT record_id, lat, lon FROM reports")).all()
    found = False
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        described = [
            {"record_id": row.record_id, "text": describe_location(row.lat, row.lon)} for row in part
        ]
        described = [item for item in described if item["text"] is not None]
        if described:
            connection.execute(sa.insert(backfill), described)
            found = True
    if found:
        connection.exec_driver_sql(
            "UPDATE reports SET location_description = location_backfill.text FROM location_backfill "
            "WHERE reports.record_id = location_backfill.record_id"
        )
    connection.exec_driver_sql("DROP TABLE location_backfill")


def downgrade() -> None:
    op.drop_column("reports", "location_description")
