"""The settings screen's state: the device's settings and identity, and its actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fieldapp.ui.state.enrollment import enrolled_server

if TYPE_CHECKING:
    from fieldapp.services import AppSettings, DeviceInfo, Unlocked

AUTO_LOCK_CHOICES: tuple[int, ...] = (1, 2, 5, 10, 15, 30, 0)  # 0 = never
WIPE_AFTER_CHOICES: tuple[int | None, ...] = (None, 3, 5, 10)
GPS_LIMIT_CHOICES: tuple[int, ...] = (10, 25, 50, 100, 250, 1000)  # metres; default 50


@dataclass(frozen=True)
class ExportOutcome:
    ok: bool
    path: Path | None = None
    count: int = 0
    message_key: str | None = None
    detail: str | None = None


def bundle_path(data_dir: Path, now: datetime) -> Path:
    """Bundles go in the data dir's exports/ (on a phone, the app's own storage)."""
    return Path(data_dir) / "exports" / f"outbox-{now.strftime('%Y%m%d-%H%M%S')}.fieldapp-bundle.json"


def export_offline_bundle(device: Unlocked, data_dir: Path, now: datetime) -> ExportOutcome:
    from fieldapp.errors import FieldAppError
    from fieldapp.services.syncing import export_bundle
    from sync.errors import SyncError

    path = bundle_path(data_dir, now)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        count = export_bundle(device, path)
    except (FieldAppError, SyncError, OSError) as exc:
        return ExportOutcome(False, message_key="settings.export_failed", detail=" ".join(str(exc).split()))
    return ExportOutcome(True, path=path, count=count, message_key="settings.exported")


@dataclass
class DeviceSettings:
    """What the settings screen reads and changes on the unlocked device. (Language and
    auto-lock are applied by the app as well, which redraws or re-times at once.)"""

    device: Unlocked
    data_dir: Path
    clock: Callable[[], datetime]

    def current(self) -> AppSettings:
        return self.device.settings()

    def about(self) -> DeviceInfo:
        return self.device.device_info()

    def server(self) -> str | None:
        """The server this device is enrolled with, or None."""
        return enrolled_server(self.device)

    def set_wipe_after(self, failures: int) -> None:
        """Wipe after this many failed unlocks in a row; 0 = never."""
        self.device.update_settings(wipe_after_failures=failures or None)

    def set_gps_limit(self, metres: int) -> None:
        """A GPS fix worse than this is offered with its accuracy, not used by itself."""
        self.device.update_settings(gps_max_accuracy_m=metres)

    def export(self) -> ExportOutcome:
        """The queued records as an offline bundle file in the data dir."""
        return export_offline_bundle(self.device, self.data_dir, self.clock())
