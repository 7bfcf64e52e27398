"""Files only their owner can read, for what either end keeps at rest: the device's data dir
and the server's (keys, database). Directories 0700, files 0600.

SQLite makes its -wal and -shm files with the permissions of the database file, so creating
the database file 0600 before SQLite opens it covers all three. Directories and files an
earlier release left wider (0755 / 0644) are narrowed when they are next opened. Nothing is
widened, and a directory that is not this user's own (not owned by us, sticky like /tmp, or
the home directory itself) is never changed: only what is inside it that FieldApp wrote.
"""

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Make `path` (and its parents) if missing, 0700; narrow it to 0700 if it is our own."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if _ours_to_narrow(path):
        _narrow(path, DIR_MODE)
    return path


def private_sqlite_file(path: Path) -> None:
    """Create the database file 0600 if missing, and narrow it and its companions to 0600."""
    path = Path(path)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_COMPANIONS)):
        if candidate.is_file():
            _narrow(candidate, FILE_MODE)


def private_tree(path: Path) -> Path:
    """`private_dir(path)`, then narrow everything beneath it: directories 0700, files 0600.

    For a data dir an earlier release wrote (or a backup restored) with 0755 / 0644: one stat
    per entry, no symlink followed. A directory that is not ours to narrow (see private_dir:
    the home directory, /tmp) is not walked at all: it holds more than FieldApp's files.
    """
    root = private_dir(path)
    if os.name != "posix" or not _ours_to_narrow(root):
        return root
    for parent, directories, files in os.walk(root):
        for name, mode in [*((d, DIR_MODE) for d in directories), *((f, FILE_MODE) for f in files)]:
            entry = Path(parent, name)
            if not entry.is_symlink():
                _narrow(entry, mode)
    return root


def _ours_to_narrow(directory: Path) -> bool:
    if os.name != "posix":
        return False  # Windows: ACLs, not mode bits; the user profile is private already
    info = directory.stat()
    return (
        info.st_uid == os.getuid()
        and not info.st_mode & stat.S_ISVTX
        and directory.resolve() != Path.home().resolve()
    )


def _narrow(path: Path, mode: int) -> None:
    if os.name != "posix":
        return
    current = stat.S_IMODE(path.stat().st_mode)
    if current & ~mode:  # only ever take permissions away
        os.chmod(path, current & mode)
