"""Photos attached to observations: sealed files on disk, rows in the database."""

from .errors import (
    DamagedPhoto,
    NotAPhoto,
    PhotoAlreadyAttached,
    PhotoChanged,
    PhotoError,
    PhotoTooLarge,
    PhotoUnreadable,
    TooManyPhotos,
    UnknownPhoto,
)
from .sealed_file import SealedPhoto, write_sealed_photo
from .store import ATTACHMENTS_DIR, NewPhoto, PhotoStore, StoredPhoto
from .table import AttachmentRow

__all__ = [
    "ATTACHMENTS_DIR",
    "AttachmentRow",
    "DamagedPhoto",
    "NewPhoto",
    "NotAPhoto",
    "PhotoAlreadyAttached",
    "PhotoChanged",
    "PhotoError",
    "PhotoStore",
    "PhotoTooLarge",
    "PhotoUnreadable",
    "SealedPhoto",
    "StoredPhoto",
    "TooManyPhotos",
    "UnknownPhoto",
    "write_sealed_photo",
]
