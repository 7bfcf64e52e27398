"""The local store's errors (under fieldapp.errors.FieldAppError)."""

from fieldapp.errors import FieldAppError


class StoreError(FieldAppError):
    """The local database could not be used."""


class UnknownRecord(StoreError):
    """No observation with this id on this device."""


class NotEditable(StoreError):
    """This observation is finalized: it can't be changed or deleted. Record an amendment instead."""


class NotADraft(StoreError):
    """Only a draft can be finalized; this one already is."""


class DatabaseTooNew(StoreError):
    """The local database was written by a newer FieldApp: update the app."""


class DamagedRecord(StoreError):
    """A stored observation can't be decrypted: it was changed or moved outside the app."""


class DuplicateRecord(StoreError):
    """An observation with this id is already on this device."""

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id
        super().__init__(f"an observation with id {record_id} is already on this device")
