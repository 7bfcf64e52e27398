"""Errors of the use cases (under fieldapp.errors.FieldAppError)."""

from fieldapp.errors import FieldAppError
from fieldapp.model import FieldError, InvalidObservation


class DeviceWiped(FieldAppError):
    """Too many wrong passphrases: this device's data has been wiped."""


class InvalidSetting(FieldAppError):
    """That setting can't take this value."""


class CannotAmend(FieldAppError):
    """Only a finalized observation can be amended; edit the draft instead."""


class InvalidItem(InvalidObservation):
    """One observation of several is not valid; nothing was stored.

    `index` counts from 0; the message counts from 1 ("record 2 of 3: details.count: ...").
    `errors` are the item's field errors, as for a single observation.
    """

    def __init__(self, index: int, total: int, errors: list[FieldError]) -> None:
        super().__init__(errors)
        self.index = index
        self.total = total
        self.args = (f"record {index + 1} of {total}: " + "; ".join(str(error) for error in errors),)
