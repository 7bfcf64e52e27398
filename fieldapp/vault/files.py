"""Writing and destroying the data dir's files.

Writes are atomic (temp file, fsync, rename, fsync of the directory) so a crash
leaves either the old file or the new one, never half of each.
"""

import contextlib
import os
import shutil
from pathlib import Path

PRIVATE_MODE = 0o600


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def destroy_file(path: Path) -> None:
    """Overwrite a file with random bytes, flush it to disk, then delete it.

    On flash storage the old blocks may survive the overwrite; what makes the data
    unreadable is that the only copy of the wrapped key is gone.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with contextlib.suppress(OSError), open(path, "r+b") as handle:
        handle.write(os.urandom(max(size, 1)))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink(missing_ok=True)


def remove_path(path: Path) -> None:
    """Delete a file or a directory tree if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return  # Windows can't open a directory for fsync; the rename is still atomic
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
