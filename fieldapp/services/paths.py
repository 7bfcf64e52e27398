"""Where the device keeps its data when no directory is given."""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP_DIR_NAME = "fieldapp"


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The platform's per-user data directory for FieldApp.

    On a phone, Flet gives the app its private storage in FLET_APP_STORAGE_DATA; elsewhere
    the usual place per platform (XDG on Linux, Application Support on macOS, LOCALAPPDATA
    on Windows).
    """
    env = os.environ if environ is None else environ
    if env.get("FLET_APP_STORAGE_DATA"):
        return Path(env["FLET_APP_STORAGE_DATA"])
    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "win32":
        base = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / "FieldApp"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "FieldApp"
    return Path(env.get("XDG_DATA_HOME") or home / ".local" / "share") / APP_DIR_NAME


def resolve_data_dir(given: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """--data-dir, else FIELDAPP_DATA_DIR, else the platform default."""
    env = os.environ if environ is None else environ
    if given:
        return Path(given).expanduser()
    if env.get("FIELDAPP_DATA_DIR"):
        return Path(env["FIELDAPP_DATA_DIR"]).expanduser()
    return default_data_dir(env)
