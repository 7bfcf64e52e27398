"""Alembic environment: migrations run on the connection `server.database.upgrade_schema` passes."""

from alembic import context

import server.map_layers  # noqa: F401  (its table joins the metadata)
import server.registers.tables  # noqa: F401  (their tables join the metadata)
import server.transparency.tables  # noqa: F401  (its tables join the metadata)
from server.models import SQLModel

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through server.database.upgrade_schema (or `fieldapp serve`)")

context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
