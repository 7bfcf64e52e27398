"""Use cases of the observer's device, shared by the Flet app and the command line.

See docs/ARCHITECTURE.md, "Services". I/O comes in as parameters: the data dir, the
clock, the KDF parameters.
"""

from fieldapp.model import FieldError, InvalidObservation
from fieldapp.store import STATES, NotADraft, NotEditable, Page, RecordView, StatusEvent, UnknownRecord
from fieldapp.store.attachments import (
    DamagedPhoto,
    NotAPhoto,
    PhotoAlreadyAttached,
    PhotoChanged,
    PhotoError,
    PhotoTooLarge,
    PhotoUnreadable,
    StoredPhoto,
    TooManyPhotos,
    UnknownPhoto,
)
from fieldapp.vault import DeviceExists, Locked, NoDevice, WrongPassphrase

from .clear_settings import ClearSettings, read_clear_settings, write_clear_settings
from .clock import utc_now
from .device import change_passphrase, create_device, device_exists, unlock_device, wipe_device
from .errors import CannotAmend, DeviceWiped, InvalidItem, InvalidSetting
from .paths import default_data_dir, resolve_data_dir
from .photos import PhotoHints, detect_mime, photo_hints, thumbnail, upload_photos
from .tabs import TABS
from .unlocked import AppSettings, DeviceInfo, Unlocked

__all__ = [
    "STATES",
    "TABS",
    "AppSettings",
    "CannotAmend",
    "ClearSettings",
    "DamagedPhoto",
    "DeviceExists",
    "DeviceInfo",
    "DeviceWiped",
    "FieldError",
    "InvalidItem",
    "InvalidObservation",
    "InvalidSetting",
    "Locked",
    "NoDevice",
    "NotADraft",
    "NotAPhoto",
    "NotEditable",
    "Page",
    "PhotoAlreadyAttached",
    "PhotoChanged",
    "PhotoError",
    "PhotoHints",
    "PhotoTooLarge",
    "PhotoUnreadable",
    "RecordView",
    "StatusEvent",
    "StoredPhoto",
    "TooManyPhotos",
    "UnknownPhoto",
    "UnknownRecord",
    "Unlocked",
    "WrongPassphrase",
    "change_passphrase",
    "create_device",
    "default_data_dir",
    "detect_mime",
    "device_exists",
    "photo_hints",
    "read_clear_settings",
    "resolve_data_dir",
    "thumbnail",
    "unlock_device",
    "upload_photos",
    "utc_now",
    "wipe_device",
    "write_clear_settings",
]
