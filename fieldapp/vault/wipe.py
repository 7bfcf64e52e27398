"""Panic wipe: make everything in the data dir unreadable at once, then remove it."""

from pathlib import Path

from .files import destroy_file, remove_path
from .vault import VAULT_FILE

DATABASE_FILE = "fieldapp.db"
DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")
ATTACHMENTS_DIR = "attachments"
CLEAR_SETTINGS_FILE = "settings.json"


def wipe_data_dir(data_dir: Path) -> bool:
    """Destroy the wrapped key first (that alone makes every ciphertext unreadable), then
    delete the database, its companions, attachments and settings.

    Only FieldApp's own files are removed, so a data dir shared with other files keeps them.
    Returns whether there was anything of FieldApp's to remove (a vault, or what a wipe cut
    short left behind), so nobody is told "wiped" when nothing was.
    """
    data_dir = Path(data_dir)
    found = any(path.exists() or path.is_symlink() for path in fieldapp_paths(data_dir))
    destroy_file(data_dir / VAULT_FILE)
    remove_path(data_dir / f".{VAULT_FILE}.tmp")
    for suffix in ("", *DATABASE_COMPANIONS):
        remove_path(data_dir / f"{DATABASE_FILE}{suffix}")
    remove_path(data_dir / ATTACHMENTS_DIR)
    remove_path(data_dir / CLEAR_SETTINGS_FILE)
    remove_path(data_dir / f".{CLEAR_SETTINGS_FILE}.tmp")
    return found


def fieldapp_paths(data_dir: Path) -> list[Path]:
    """Every name FieldApp may keep in a data dir."""
    names = [
        VAULT_FILE,
        f".{VAULT_FILE}.tmp",
        ATTACHMENTS_DIR,
        CLEAR_SETTINGS_FILE,
        f".{CLEAR_SETTINGS_FILE}.tmp",
    ]
    names += [f"{DATABASE_FILE}{suffix}" for suffix in ("", *DATABASE_COMPANIONS)]
    return [Path(data_dir) / name for name in names]
