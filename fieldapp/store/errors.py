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
