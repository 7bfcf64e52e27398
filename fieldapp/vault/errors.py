"""The vault's errors (under fieldapp.errors.FieldAppError)."""

from fieldapp.errors import FieldAppError


class VaultError(FieldAppError):
    """The device's key vault could not be used."""


class WrongPassphrase(VaultError):
    """Wrong passphrase."""

    def __init__(self, message: str | None = None, *, remaining: int | None = None) -> None:
        # How many more failures the device allows before it wipes itself (None: no limit).
        self.remaining = remaining
        super().__init__(*([message] if message else []))


class NoDevice(VaultError):
    """No device is set up in this data directory: run `fieldapp init` first."""


class DeviceExists(VaultError):
    """A device is already set up in this data directory."""


class VaultDamaged(VaultError):
    """The key vault file is damaged or not a FieldApp vault."""


class Locked(VaultError):
    """The device is locked: unlock it with the passphrase first."""
