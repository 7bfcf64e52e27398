"""settings.json: the few settings the unlock screen needs before any key exists.

Nothing secret lives here: language, auto-lock minutes, the wipe-after-N-failures
threshold and the count of failed unlocks since the last good one.
"""

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from fieldapp.vault import CLEAR_SETTINGS_FILE, write_atomic

from .errors import InvalidSetting

LANGUAGES = ("en", "ar")
MAX_AUTO_LOCK_MINUTES = 24 * 60
MAX_WIPE_AFTER = 100


@dataclass(frozen=True)
class ClearSettings:
    """Settings readable while locked."""

    language: str = "en"
    auto_lock_minutes: int = 5  # 0: never lock on idle
    wipe_after_failures: int | None = None  # None: never wipe on failed unlocks
    gps_max_accuracy_m: int = 50  # a GPS fix worse than this is offered, not used (issue 13.2)
    failed_unlocks: int = 0


USER_SETTINGS = ("language", "auto_lock_minutes", "wipe_after_failures", "gps_max_accuracy_m")
MAX_GPS_ACCURACY_M = 10_000


def read_clear_settings(data_dir: Path) -> ClearSettings:
    """The stored settings, or the defaults (a missing or unreadable file means defaults)."""
    try:
        stored = json.loads((Path(data_dir) / CLEAR_SETTINGS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return ClearSettings()
    if not isinstance(stored, dict):
        return ClearSettings()
    known = {field.name for field in fields(ClearSettings)}
    try:
        return _checked(ClearSettings(**{key: value for key, value in stored.items() if key in known}))
    except (InvalidSetting, TypeError):
        return ClearSettings()


def write_clear_settings(data_dir: Path, **changes: Any) -> ClearSettings:
    """Change `language`, `auto_lock_minutes`, `wipe_after_failures` or `gps_max_accuracy_m`;
    returns the new settings."""
    unknown = set(changes) - set(USER_SETTINGS)
    if unknown:
        raise InvalidSetting(f"unknown setting: {', '.join(sorted(unknown))}")
    return store_clear_settings(data_dir, replace(read_clear_settings(data_dir), **changes))


def store_clear_settings(data_dir: Path, settings: ClearSettings) -> ClearSettings:
    settings = _checked(settings)
    write_atomic(Path(data_dir) / CLEAR_SETTINGS_FILE, json.dumps(asdict(settings), indent=1).encode())
    return settings


def _checked(settings: ClearSettings) -> ClearSettings:
    if settings.language not in LANGUAGES:
        raise InvalidSetting(f"language must be one of: {', '.join(LANGUAGES)}")
    minutes = settings.auto_lock_minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_AUTO_LOCK_MINUTES:
        raise InvalidSetting(f"auto-lock must be a whole number of minutes from 0 to {MAX_AUTO_LOCK_MINUTES}")
    limit = settings.wipe_after_failures
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_WIPE_AFTER
    ):
        raise InvalidSetting(f"wipe after failed unlocks must be empty or from 1 to {MAX_WIPE_AFTER}")
    limit_m = settings.gps_max_accuracy_m
    if isinstance(limit_m, bool) or not isinstance(limit_m, int) or not 1 <= limit_m <= MAX_GPS_ACCURACY_M:
        raise InvalidSetting(
            f"the GPS accuracy limit must be a whole number of metres from 1 to {MAX_GPS_ACCURACY_M}"
        )
    if isinstance(settings.failed_unlocks, bool) or not isinstance(settings.failed_unlocks, int):
        raise InvalidSetting()
    return settings
