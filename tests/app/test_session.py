from fieldapp.ui.state.enrollment import enroll, enrolled_server
from fieldapp.ui.state.session import DeviceSession
from fieldapp.vault import FAST_KDF_FOR_TESTS

GOOD = "tinned peaches at dawn"


def reopen(session):
    return DeviceSession(session.data_dir, kdf=FAST_KDF_FOR_TESTS, clock=session.clock)


def test_first_run_refuses_a_weak_passphrase_and_creates_nothing(session):
    assert session.create("short", "short") == "passphrase.reason.short"
    assert not session.exists() and not session.unlocked


def test_wrong_passphrase_is_counted_and_right_one_unlocks(session, device):
    session.lock()
    assert not session.unlocked
    first = session.unlock("tinned peaches at dusk")
    assert (first.ok, first.message_key, first.wiped) == (False, "unlock.wrong", False)
    assert session.failed_unlocks() == 1
    assert session.unlock("").message_key == "unlock.empty"
    assert session.unlock(GOOD).ok
    assert session.failed_unlocks() == 0


def test_wipe_after_n_failures_when_set(session, device):
    device.update_settings(wipe_after_failures=3)
    session.lock()
    results = [session.unlock("wrong guess number " + str(n)) for n in range(3)]
    assert [r.message_key for r in results[:2]] == ["unlock.wrong_remaining", "unlock.wrong_remaining"]
    assert [r.remaining for r in results[:2]] == [2, 1]
    assert results[2].wiped and results[2].message_key == "unlock.wiped"
    assert not session.exists()


def test_lock_stops_listeners_before_dropping_the_keys(session, device):
    seen = []
    session.on_lock.append(lambda: seen.append(device.locked))
    session.lock()
    assert seen == [False]  # the listener (sync stop) still had an open device
    assert device.locked
    session.lock()  # idempotent
    assert seen == [False]


def test_change_passphrase_checks_the_policy_and_the_old_one(session, device):
    assert session.change_passphrase(GOOD, "short", "short") == "passphrase.reason.short"
    assert session.change_passphrase("not it at all", "a brand new phrase", "a brand new phrase") == (
        "passphrase.reason.wrong_current"
    )
    assert session.change_passphrase(GOOD, "a brand new phrase", "a brand new phrase") is None
    session.lock()
    other = reopen(session)
    assert not other.unlock(GOOD).ok
    assert other.unlock("a brand new phrase").ok
    other.lock()


def test_panic_wipe_removes_the_device(session, device):
    session.wipe()
    assert not session.unlocked and not session.exists()


def test_language_is_kept_for_the_unlock_screen(session, device):
    session.set_language("ar")
    session.lock()
    assert reopen(session).clear_settings().language == "ar"


def test_enrolment_problems_are_outcomes_not_exceptions(device):
    assert enroll(device, "", "CODE").message_key == "enroll.need_server"
    assert enroll(device, "http://127.0.0.1:9", "").message_key == "enroll.need_code"
    outcome = enroll(device, "http://127.0.0.1:9", "ABCD-EFGH")  # nothing listens on port 9
    assert not outcome.ok and outcome.message_key == "enroll.failed" and outcome.detail
    assert enrolled_server(device) is None


def test_language_chosen_before_the_device_exists_is_kept(session):
    session.set_language("ar")
    assert not session.exists()
    assert session.create(GOOD, GOOD) is None
    assert session.clear_settings().language == "ar"


def test_export_before_enrolment_is_an_outcome_with_the_reason(device, tmp_path, clock):
    from fieldapp.ui.state.settings import bundle_path, export_offline_bundle

    outcome = export_offline_bundle(device, tmp_path, clock())
    assert not outcome.ok and outcome.message_key == "settings.export_failed" and outcome.detail
    assert bundle_path(tmp_path, clock()).parent == tmp_path / "exports"
    assert not list((tmp_path / "exports").glob("*.json"))
