"""Create, unlock, change passphrase, wipe, and the wipe after N failed unlocks."""

import pytest
from core_fixtures import FAST, StepClock, observation

from fieldapp.services import (
    DeviceExists,
    DeviceWiped,
    InvalidSetting,
    NoDevice,
    WrongPassphrase,
    change_passphrase,
    create_device,
    device_exists,
    read_clear_settings,
    unlock_device,
    wipe_device,
    write_clear_settings,
)
from fieldapp.store import database_path
from fieldapp.vault import vault_path


def make(tmp_path, records=2):
    with create_device(tmp_path, "old secret", kdf=FAST, clock=StepClock()) as device:
        return [device.record(observation(description=f"n{i}"), finalize=i == 0) for i in range(records)]


def test_wrong_passphrase_changes_nothing_but_the_counter(tmp_path):
    ids = make(tmp_path)
    vault_before = vault_path(tmp_path).read_bytes()
    db_before = database_path(tmp_path).read_bytes()
    with pytest.raises(WrongPassphrase) as caught:
        unlock_device(tmp_path, "guess", kdf=FAST)
    assert caught.value.remaining is None and str(caught.value) == "wrong passphrase"
    assert vault_path(tmp_path).read_bytes() == vault_before
    assert database_path(tmp_path).read_bytes() == db_before
    assert read_clear_settings(tmp_path).failed_unlocks == 1
    with unlock_device(tmp_path, "old secret", kdf=FAST) as device:
        assert {v.id for v in device.list_page().items} == set(ids)
    assert read_clear_settings(tmp_path).failed_unlocks == 0


def test_passphrase_change_keeps_the_data(tmp_path):
    ids = make(tmp_path)
    db_before = database_path(tmp_path).read_bytes()
    with pytest.raises(WrongPassphrase):
        change_passphrase(tmp_path, "not it", "new secret", kdf=FAST)
    change_passphrase(tmp_path, "old secret", "new secret", kdf=FAST)
    assert database_path(tmp_path).read_bytes() == db_before  # only the key was re-wrapped
    with pytest.raises(WrongPassphrase):
        unlock_device(tmp_path, "old secret", kdf=FAST)
    with unlock_device(tmp_path, "new secret", kdf=FAST) as device:
        assert device.get(ids[0]).state == "queued" and device.get(ids[1]).record["description"] == "n1"
    with pytest.raises(InvalidSetting):
        change_passphrase(tmp_path, "new secret", "", kdf=FAST)


def test_wipe_leaves_nothing_to_decrypt(tmp_path):
    make(tmp_path)
    stolen_db = database_path(tmp_path).read_bytes()
    wipe_device(tmp_path)
    assert not device_exists(tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(NoDevice):
        unlock_device(tmp_path, "old secret", kdf=FAST)
    # a copy of the database taken before the wipe is useless: a new device has another key
    with create_device(tmp_path, "old secret", kdf=FAST) as fresh:
        assert fresh.counts()["queued"] == 0
    database_path(tmp_path).write_bytes(stolen_db)
    for suffix in ("-wal", "-shm"):
        database_path(tmp_path).with_name("fieldapp.db" + suffix).unlink(missing_ok=True)
    with unlock_device(tmp_path, "old secret", kdf=FAST) as fresh:
        from fieldapp.store import DamagedRecord

        with pytest.raises(DamagedRecord):
            fresh.list_page()


def test_failed_unlocks_wipe_after_the_threshold(tmp_path):
    make(tmp_path)
    write_clear_settings(tmp_path, wipe_after_failures=3)
    with pytest.raises(WrongPassphrase) as caught:
        unlock_device(tmp_path, "a", kdf=FAST)
    assert caught.value.remaining == 2 and "2 more tries" in str(caught.value)
    with pytest.raises(WrongPassphrase) as caught:
        change_passphrase(tmp_path, "b", "c", kdf=FAST)  # counts too: no way around the limit
    assert caught.value.remaining == 1
    with pytest.raises(DeviceWiped):
        unlock_device(tmp_path, "c", kdf=FAST)
    assert not device_exists(tmp_path) and not database_path(tmp_path).exists()


def test_a_good_unlock_resets_the_count(tmp_path):
    make(tmp_path)
    write_clear_settings(tmp_path, wipe_after_failures=2)
    with pytest.raises(WrongPassphrase):
        unlock_device(tmp_path, "a", kdf=FAST)
    unlock_device(tmp_path, "old secret", kdf=FAST).lock()
    with pytest.raises(WrongPassphrase):
        unlock_device(tmp_path, "a", kdf=FAST)
    assert device_exists(tmp_path)


def test_create_refuses_an_existing_device_and_settings_are_checked(tmp_path):
    make(tmp_path, records=0)
    with pytest.raises(DeviceExists):
        create_device(tmp_path, "x", kdf=FAST)
    for bad in ({"language": "fr"}, {"auto_lock_minutes": -1}, {"wipe_after_failures": 0}, {"colour": 1}):
        with pytest.raises(InvalidSetting):
            write_clear_settings(tmp_path, **bad)
    assert read_clear_settings(tmp_path).language == "en"
