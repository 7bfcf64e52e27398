"""The vault's errors (under fieldapp.errors.FieldAppError)."""

from fieldapp.errors import FieldAppError


class VaultError(FieldAppError):
    """The device's key vault could not be used."""


class WrongPassphrase(VaultError):
    """Wrong passphrase."""


class NoDevice(VaultError):
    """No device is set up in this data directory: run `fieldapp init` first."""


class DeviceExists(VaultError):
    """A device is already set up in this data directory."""


class VaultDamaged(VaultError):
    """The key vault file is damaged or not a FieldApp vault."""


class Locked(VaultError):
    """The device is locked: unlock it with the passphrase first."""
