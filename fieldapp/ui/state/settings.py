"""The settings screen's actions that are more than one service call."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

AUTO_LOCK_CHOICES: tuple[int, ...] = (1, 2, 5, 10, 15, 30, 0)  # 0 = never
WIPE_AFTER_CHOICES: tuple[int | None, ...] = (None, 3, 5, 10)


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


def export_offline_bundle(device: Any, data_dir: Path, now: datetime) -> ExportOutcome:
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
