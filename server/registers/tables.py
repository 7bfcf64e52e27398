"""The registers' tables: the current version of each entry, and the signed change log
devices pull (its autoincrement key is the register feed's cursor)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.models import UTCDateTime


# The current version of one entry of one register (units, camps, ..., obligations).
class RegisterEntryRow(SQLModel, table=True):
    __tablename__ = "register_entries"
    register_name: str = Field(primary_key=True, max_length=32)
    id: str = Field(primary_key=True, max_length=64)
    version: int
    retired: bool = Field(default=False)
    name_en: str = Field(max_length=200)
    data: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))  # canonical JSON of the entry
    updated_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    updated_by: str = Field(max_length=64)


# One signed entry version, as devices receive it (never updated or deleted).
class RegisterChangeRow(SQLModel, table=True):
    __tablename__ = "register_changes"
    cursor: int | None = Field(default=None, primary_key=True)
    register_name: str = Field(max_length=32)
    entry_id: str = Field(max_length=64)
    version: int
    body: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    signature: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
