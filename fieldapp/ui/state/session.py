"""The device session: create, unlock, lock, wipe — the state behind first-run and unlock.

Wraps `fieldapp.services` (imported lazily: the unlock screen must come up fast).
Results carry translation keys or the service's own sentence, never exceptions,
so the screens only render them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp.services.passphrase_policy import check_new_passphrase

if TYPE_CHECKING:
    from fieldapp.services import ClearSettings, Unlocked
    from fieldapp.vault import KdfParams


@dataclass(frozen=True)
class UnlockResult:
    ok: bool
    message_key: str | None = None  # translation key when not ok
    remaining: int | None = None  # attempts left before the wipe, when one is set
    wiped: bool = False


class DeviceSession:
    """Holds the unlocked device (`fieldapp.services.Unlocked`) while the app is open.

    `on_lock` callbacks run just before the keys are dropped (the app stops the
    background sync, which still uses the device, and returns to the unlock screen).
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        kdf: KdfParams | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.kdf = kdf
        self.clock = clock
        self.device: Unlocked | None = None
        self.on_lock: list[Callable[[], None]] = []

    # -- before unlock ------------------------------------------------------------

    def _io(self) -> dict[str, Any]:
        io: dict[str, Any] = {"kdf": self.kdf}
        if self.clock is not None:
            io["clock"] = self.clock
        return io

    def exists(self) -> bool:
        from fieldapp.services import device_exists

        return device_exists(self.data_dir)

    def clear_settings(self) -> ClearSettings:
        from fieldapp.services import read_clear_settings

        return read_clear_settings(self.data_dir)

    def set_language(self, language: str) -> None:
        """Saved in the clear settings (the unlock screen needs it before any key exists);
        the unlocked device reads its language setting from there too."""
        from fieldapp.services import write_clear_settings

        write_clear_settings(self.data_dir, language=language)

    @property
    def unlocked(self) -> bool:
        return self.device is not None

    def create(self, passphrase: str, confirm: str) -> str | None:
        """First start. Returns a reason key when refused; None when the device exists and is open."""
        from fieldapp.services import create_device

        reason = check_new_passphrase(passphrase, confirm)
        if reason:
            return reason
        self.device = create_device(self.data_dir, passphrase, **self._io())
        return None

    def unlock(self, passphrase: str) -> UnlockResult:
        from fieldapp.services import DeviceWiped, NoDevice, WrongPassphrase, unlock_device

        if not passphrase:
            return UnlockResult(False, "unlock.empty")
        try:
            self.device = unlock_device(self.data_dir, passphrase, **self._io())
        except DeviceWiped:
            return UnlockResult(False, "unlock.wiped", wiped=True)
        except WrongPassphrase as exc:
            remaining = exc.remaining
            key = "unlock.wrong_remaining" if remaining is not None else "unlock.wrong"
            return UnlockResult(False, key, remaining=remaining)
        except NoDevice:
            return UnlockResult(False, "unlock.no_device")
        return UnlockResult(True)

    def failed_unlocks(self) -> int:
        return self.clear_settings().failed_unlocks

    # -- while unlocked -----------------------------------------------------------

    def lock(self) -> None:
        """Drop the keys; idempotent."""
        device, self.device = self.device, None
        if device is None:
            return
        try:
            for callback in list(self.on_lock):
                callback()
        finally:
            device.lock()

    def change_passphrase(self, old: str, new: str, confirm: str) -> str | None:
        """A reason key when refused (policy, mismatch or wrong current passphrase)."""
        from fieldapp.services import WrongPassphrase, change_passphrase

        reason = check_new_passphrase(new, confirm)
        if reason:
            return reason
        try:
            change_passphrase(self.data_dir, old, new, kdf=self.kdf)
        except WrongPassphrase:
            return "passphrase.reason.wrong_current"
        return None

    def wipe(self) -> None:
        """Panic wipe: drop the keys, then destroy the vault and the files."""
        from fieldapp.services import wipe_device

        self.lock()
        wipe_device(self.data_dir)
