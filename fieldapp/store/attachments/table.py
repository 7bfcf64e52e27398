"""The attachment table: one row per photo of an observation.

In clear only what the uploader and the list need (which record, order, upload state);
the photo's hash, name, size, type and its file key are one AES-GCM blob under the data
key, bound to the record id and the file id.
"""

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel


class AttachmentRow(SQLModel, table=True):
    """One photo; `meta` is encrypted, the file is attachments/<id>.photo."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_record", "record_id", "position"),)

    id: str = Field(primary_key=True, max_length=32)  # random: names the file, says nothing
    record_id: str = Field(foreign_key="observation.id", ondelete="CASCADE")
    position: int
    upload_state: str = "pending"  # pending | uploading | done
    upload_error: str | None = None  # the server's reason when it refused the photo
    meta: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
