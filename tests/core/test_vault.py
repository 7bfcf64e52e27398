"""The key vault: create, unlock, wrong passphrase, passphrase change, KDF upgrade, wipe."""

import json
import os
import stat
from datetime import UTC, datetime

import pytest

from fieldapp.vault import (
    FAST_KDF_FOR_TESTS,
    Argon2idParams,
    DeviceExists,
    NoDevice,
    ScryptParams,
    VaultDamaged,
    WrongPassphrase,
    create_vault,
    default_kdf,
    read_public_identity,
    rewrap_vault,
    unlock_vault,
    vault_exists,
    vault_path,
    wipe_data_dir,
)
from fieldapp.vault.kdf import kdf_from_json
from sync.crypto import device_id_for, verify

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
FAST = FAST_KDF_FOR_TESTS


def test_create_then_unlock_gives_the_same_keys(tmp_path):
    made = create_vault(tmp_path, "correct horse", now=NOW, kdf=FAST)
    opened = unlock_vault(tmp_path, "correct horse", kdf=FAST)
    assert opened.data_key == made.data_key
    assert opened.device_id == made.device_id == device_id_for(made.public_key)
    signature = opened.signing_key.sign(b"hello")
    assert verify(made.public_key, b"hello", signature)
    assert read_public_identity(tmp_path) == (made.device_id, made.public_key)


def test_vault_holds_no_key_in_clear_and_is_private(tmp_path):
    keys = create_vault(tmp_path, "pw", now=NOW, kdf=FAST)
    raw = vault_path(tmp_path).read_bytes()
    assert keys.data_key not in raw
    assert keys.signing_key.private_bytes_raw() not in raw
    import base64

    assert base64.b64encode(keys.data_key) not in raw
    assert base64.b64encode(keys.signing_key.private_bytes_raw()) not in raw
    if os.name == "posix":
        assert stat.S_IMODE(vault_path(tmp_path).stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*.tmp"))


def test_wrong_passphrase_is_refused_and_changes_nothing(tmp_path):
    create_vault(tmp_path, "right", now=NOW, kdf=FAST)
    before = vault_path(tmp_path).read_bytes()
    with pytest.raises(WrongPassphrase):
        unlock_vault(tmp_path, "wrong", kdf=FAST)
    with pytest.raises(WrongPassphrase):
        rewrap_vault(tmp_path, "wrong", "new", kdf=FAST)
    assert vault_path(tmp_path).read_bytes() == before
    unlock_vault(tmp_path, "right", kdf=FAST)


def test_passphrase_change_rewraps_the_same_data_key(tmp_path):
    made = create_vault(tmp_path, "old pass", now=NOW, kdf=FAST)
    rewrap_vault(tmp_path, "old pass", "new pass", kdf=FAST)
    with pytest.raises(WrongPassphrase):
        unlock_vault(tmp_path, "old pass", kdf=FAST)
    assert unlock_vault(tmp_path, "new pass", kdf=FAST).data_key == made.data_key


def test_create_twice_or_unlock_nothing(tmp_path):
    with pytest.raises(NoDevice):
        unlock_vault(tmp_path, "pw", kdf=FAST)
    create_vault(tmp_path, "pw", now=NOW, kdf=FAST)
    with pytest.raises(DeviceExists):
        create_vault(tmp_path, "pw", now=NOW, kdf=FAST)


def test_damaged_vault_is_named_as_such(tmp_path):
    create_vault(tmp_path, "pw", now=NOW, kdf=FAST)
    document = json.loads(vault_path(tmp_path).read_text())
    document["kdf"]["name"] = "md5"
    vault_path(tmp_path).write_text(json.dumps(document))
    with pytest.raises(VaultDamaged):
        unlock_vault(tmp_path, "pw", kdf=FAST)
    vault_path(tmp_path).write_text("not json")
    with pytest.raises(VaultDamaged):
        unlock_vault(tmp_path, "pw", kdf=FAST)


def test_real_default_kdf_and_upgrade_of_weak_parameters(tmp_path):
    """The production defaults (memory-hard, stored in the file), and a re-wrap on unlock
    when the stored parameters are weaker than today's defaults."""
    defaults = default_kdf()
    if isinstance(defaults, Argon2idParams):
        assert defaults.memory_kib >= 46 * 1024
    else:
        assert isinstance(defaults, ScryptParams) and defaults.n >= 2**15 and defaults.r >= 8
    weak = create_vault(tmp_path / "weak", "pw", now=NOW, kdf=FAST)
    opened = unlock_vault(tmp_path / "weak", "pw")  # kdf=None: the real defaults
    assert opened.data_key == weak.data_key
    stored, salt = kdf_from_json(json.loads(vault_path(tmp_path / "weak").read_text())["kdf"])
    assert stored == defaults and len(salt) >= 16
    # and a fresh vault with the defaults opens with them, without another re-wrap
    create_vault(tmp_path / "strong", "pw", now=NOW)
    before = vault_path(tmp_path / "strong").read_bytes()
    unlock_vault(tmp_path / "strong", "pw")
    assert vault_path(tmp_path / "strong").read_bytes() == before


def test_wipe_removes_every_file_and_keeps_others(tmp_path):
    create_vault(tmp_path, "pw", now=NOW, kdf=FAST)
    for name in ("fieldapp.db", "fieldapp.db-wal", "fieldapp.db-shm", "fieldapp.db-journal", "settings.json"):
        (tmp_path / name).write_bytes(b"x" * 100)
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "photo.bin").write_bytes(b"y")
    (tmp_path / "not-ours.txt").write_text("keep")
    wipe_data_dir(tmp_path)
    assert not vault_exists(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-ours.txt"]
    with pytest.raises(NoDevice):
        unlock_vault(tmp_path, "pw", kdf=FAST)
