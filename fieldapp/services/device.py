"""Use cases before a device is unlocked: create, unlock, change passphrase, wipe.

Failed unlocks are counted in settings.json (clear: the count must work without a key);
when the observer set a wipe-after-N threshold and it is reached, the device wipes itself.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from fieldapp.vault import (
    KdfParams,
    NoDevice,
    WrongPassphrase,
    create_vault,
    rewrap_vault,
    unlock_vault,
    vault_exists,
    wipe_data_dir,
)

from .clear_settings import read_clear_settings, store_clear_settings
from .clock import utc_now
from .errors import DeviceWiped, InvalidSetting
from .unlocked import Unlocked

T = TypeVar("T")


def device_exists(data_dir: Path) -> bool:
    """Whether a device (its vault) is set up in this data directory."""
    return vault_exists(Path(data_dir))


def create_device(
    data_dir: Path,
    passphrase: str,
    *,
    kdf: KdfParams | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Unlocked:
    """First start: make the vault (data key, device identity) and the empty database."""
    data_dir = Path(data_dir)
    keys = create_vault(data_dir, passphrase, kdf=kdf)
    return Unlocked.open(data_dir, keys, clock=clock)


def unlock_device(
    data_dir: Path,
    passphrase: str,
    *,
    kdf: KdfParams | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Unlocked:
    """Unlock with the passphrase: WrongPassphrase (with `.remaining`), or DeviceWiped."""
    data_dir = Path(data_dir)
    keys = _counting_failures(data_dir, lambda: unlock_vault(data_dir, passphrase, kdf=kdf))
    return Unlocked.open(data_dir, keys, clock=clock)


def change_passphrase(data_dir: Path, old: str, new: str, *, kdf: KdfParams | None = None) -> None:
    """Re-wrap the data key under a new passphrase; the database is untouched.

    A wrong old passphrase counts as a failed unlock, or this would be a way around the limit.
    """
    data_dir = Path(data_dir)
    if not new:
        raise InvalidSetting("the new passphrase must not be empty")
    _counting_failures(data_dir, lambda: rewrap_vault(data_dir, old, new, kdf=kdf))


def wipe_device(data_dir: Path) -> None:
    """Panic wipe: the wrapped key is destroyed first, then the database and settings go.

    `NoDevice` when the directory holds nothing of FieldApp's: nothing was wiped.
    """
    if not wipe_data_dir(Path(data_dir)):
        raise NoDevice(f"no device in {data_dir}: nothing was wiped")


def _counting_failures(data_dir: Path, attempt: Callable[[], T]) -> T:
    if not vault_exists(data_dir):
        raise NoDevice()
    settings = read_clear_settings(data_dir)
    try:
        result = attempt()
    except WrongPassphrase:
        failed = settings.failed_unlocks + 1
        limit = settings.wipe_after_failures
        if limit is not None and failed >= limit:
            wipe_data_dir(data_dir)
            raise DeviceWiped() from None
        store_clear_settings(data_dir, replace(settings, failed_unlocks=failed))
        remaining = None if limit is None else limit - failed
        message = "wrong passphrase"
        if remaining is not None:
            message += (
                f" ({remaining} more {'try' if remaining == 1 else 'tries'} before this device wipes itself)"
            )
        raise WrongPassphrase(message, remaining=remaining) from None
    if settings.failed_unlocks:
        store_clear_settings(data_dir, replace(settings, failed_unlocks=0))
    return result
