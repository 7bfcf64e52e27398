"""Files only their owner can read, on the device and at the server (issue 10, point 10):
data dirs 0700, every file 0600, including what SQLite makes beside its database (-wal, -shm),
and what an earlier release left wider (the data dir 0755, the database 0644) is narrowed when
it is next opened."""

import os
import stat

import httpx

from fieldapp.services import create_device, unlock_device
from fieldapp.services.enrollment import enroll_device
from fieldapp.services.syncing import run_sync
from fieldapp.vault import FAST_KDF_FOR_TESTS
from tests.support.live_server import create_enrollment_code, live_server

HARNESS_FILES = {"server.log"}  # written by tests/support/live_server, not by the server


def modes(root):
    """(path relative to root, permission bits) of root and everything below it."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        if path.name not in HARNESS_FILES:
            found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def assert_private(root):
    found = modes(root)
    wrong = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (root / name).is_dir() else 0o600)
    }
    assert not wrong, wrong
    return found


def loosen(root, database):
    """What the first wave left: the data dir 0755 and the SQLite files 0644 (its vault,
    settings, keys and photos were 0600 in 0700 directories already)."""
    os.chmod(root, 0o755)
    for path in root.glob(f"{database}*"):
        os.chmod(path, 0o644)


def observation(description):
    return {
        "kind": "violation",
        "observed_at": "2025-05-01T10:00:00+02:00",
        "location": {"lat": 31.2, "lon": 16.6, "accuracy_m": 12, "source": "gps"},
        "observed_by": "heard",
        "certainty": "probable",
        "description": description,
        "details": {"type": "shelling"},
    }


def test_device_files_are_private_while_open_and_after(tmp_path):
    data_dir = tmp_path / "device"
    device = create_device(data_dir, "pw", kdf=FAST_KDF_FOR_TESTS)
    device.record(observation("one"), finalize=True)
    device.update_settings(language="ar")
    found = assert_private(data_dir)
    assert {"vault.json", "fieldapp.db", "fieldapp.db-wal", "fieldapp.db-shm", "settings.json"} <= set(found)
    device.lock()
    assert_private(data_dir)
    loosen(data_dir, "fieldapp.db")
    with unlock_device(data_dir, "pw", kdf=FAST_KDF_FOR_TESTS) as again:
        again.record(observation("two"))
        assert_private(data_dir)


def test_server_files_are_private(tmp_path):
    server_dir = tmp_path / "server"
    device = create_device(tmp_path / "device", "pw", kdf=FAST_KDF_FOR_TESTS)
    device.record(observation("to the server"), finalize=True)
    with live_server(server_dir) as url:
        enroll_device(device, url, create_enrollment_code(server_dir))
        assert run_sync(device).status == "done"
        assert httpx.get(f"{url}/api/v1/health").status_code == 200
        found = assert_private(server_dir)
    assert {"server.db", "keys", "keys/seal_x25519.key", "keys/sign_ed25519.key"} <= set(found)
    assert_private(server_dir)
    loosen(server_dir, "server.db")
    with live_server(server_dir):
        assert_private(server_dir)
    device.lock()


def test_a_data_dir_left_wide_is_narrowed_all_the_way_down(tmp_path):
    from sync.private_files import private_tree

    root = tmp_path / "data"
    (root / "attachments" / "r1").mkdir(parents=True)
    for path in (root / "settings.json", root / "attachments" / "r1" / "a.photo"):
        path.write_text("x")
        path.chmod(0o644)
    for path in (root, root / "attachments", root / "attachments" / "r1"):
        path.chmod(0o755)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not ours")
    outside.chmod(0o644)
    (root / "link").symlink_to(outside)
    private_tree(root)
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a symlink's target is not ours
