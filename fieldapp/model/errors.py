"""Validation errors a form can show beside the field they are about."""

from dataclasses import dataclass

from fieldapp.errors import FieldAppError


@dataclass(frozen=True)
class FieldError:
    """One problem with one field.

    `field` is a dotted path into the record ("details.count", "location.lat",
    "attachments.0.sha256"; "" for the record as a whole); `message` is short
    plain text that reads well after the field's label ("must be 0 or more").
    """

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidObservation(FieldAppError):
    """The observation is not valid."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))

    def for_field(self, field: str) -> list[str]:
        """The messages about one field, for showing beside it."""
        return [error.message for error in self.errors if error.field == field]
