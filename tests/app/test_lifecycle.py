"""Going to the background and coming back, with simulated app-lifecycle events on the app
object (a fake page, a real encrypted store, a fake background sync and clock): lock when away
past the auto-lock time, sync on return when something is queued, no network work while locked."""

from types import SimpleNamespace

import flet as ft
import pytest

from fieldapp.ui.app import FieldApp
from fieldapp.ui.state.lifecycle import AppLifecycle, elapsed_clock, work_waiting
from fieldapp.ui.views.unlock import UnlockScreen
from fieldapp.vault import FAST_KDF_FOR_TESTS
from tests.app.forms import filled_form
from tests.app.test_screen_state import FakePage, Monotonic
from tests.photos.photo_files import make_jpeg

PASSPHRASE = "tinned peaches at dawn"
State = ft.AppLifecycleState


class FakeSync:
    """The app's SyncController as far as the lifecycle uses it: what was asked of it."""

    def __init__(self):
        self.calls = []

    def sync_now(self, *, watch=None, answer=False):
        self.calls.append("sync_now")
        assert watch is None and not answer  # coming back is not the observer asking

    def take_notice(self):
        return None

    def stop(self):
        self.calls.append("stop")


@pytest.fixture
def clock_now():
    return Monotonic()


@pytest.fixture
def app(tmp_path, clock, clock_now):
    made = FieldApp(
        FakePage(), data_dir=tmp_path / "app", kdf=FAST_KDF_FOR_TESTS, clock=clock, monotonic=clock_now
    )
    assert made.session.create(PASSPHRASE, PASSPHRASE) is None
    made.idle.set_minutes(5)
    made.sync = FakeSync()
    yield made
    made.session.lock()


def lifecycle(app, *states):
    for state in states:
        app._on_lifecycle(SimpleNamespace(state=state))


def queue_one(app, clock):
    app.device.record(filled_form(clock).to_data(), finalize=True)


def test_away_longer_than_the_auto_lock_time_locks_on_return_without_any_network_work(app, clock, clock_now):
    queue_one(app, clock)  # something waits to be sent: still, no sync after the lock
    sync = app.sync
    lifecycle(app, State.INACTIVE, State.HIDE, State.PAUSE)
    assert app.session.unlocked  # going away only notes the time (the app may not run meanwhile)
    clock_now.now += 5 * 60 + 1
    lifecycle(app, State.SHOW, State.RESUME)
    assert not app.session.unlocked and isinstance(app.screen, UnlockScreen)
    assert sync.calls == ["stop"]  # the background sync stopped before the keys went; no run asked
    assert app.sync is None
    lifecycle(app, State.HIDE, State.SHOW)  # a locked app asks for nothing
    assert sync.calls == ["stop"]


def test_idle_before_going_away_counts_too(app, clock_now):
    clock_now.now += 4 * 60  # four minutes untouched in front...
    lifecycle(app, State.HIDE)
    clock_now.now += 61  # ...and one more away
    lifecycle(app, State.SHOW)
    assert not app.session.unlocked


def test_back_soon_with_something_queued_syncs_once_and_counts_as_activity(app, clock, clock_now):
    queue_one(app, clock)
    lifecycle(app, State.HIDE)
    clock_now.now += 60
    lifecycle(app, State.SHOW, State.RESUME)  # both arrive on return: one run
    assert app.session.unlocked and app.sync.calls == ["sync_now"]
    assert app.idle.seconds_left() == 5 * 60


def test_back_soon_with_nothing_queued_asks_for_no_sync(app, clock, clock_now):
    app.device.save_draft(filled_form(clock).to_data())  # a draft is not for sending
    lifecycle(app, State.HIDE)
    clock_now.now += 60
    lifecycle(app, State.SHOW)
    assert app.session.unlocked and app.sync.calls == []
    assert app.idle.seconds_left() == 5 * 60


def test_losing_focus_is_not_going_away(app, clock, clock_now):
    queue_one(app, clock)
    lifecycle(app, State.INACTIVE)
    clock_now.now += 10 * 60
    lifecycle(app, State.RESUME)  # a system dialog closed: nothing to decide on return
    assert app.sync.calls == []
    assert app.session.unlocked  # (the idle watcher, not the lifecycle, locks a dozing app in front)


def test_auto_lock_never_keeps_the_app_open_however_long_away(app, clock, clock_now):
    app.idle.set_minutes(0)
    queue_one(app, clock)
    lifecycle(app, State.HIDE)
    clock_now.now += 24 * 3600
    lifecycle(app, State.SHOW)
    assert app.session.unlocked and app.sync.calls == ["sync_now"]


def test_work_waiting_is_queued_records_or_photos_of_finalized_ones(app, clock):
    device = app.device
    draft = device.save_draft(filled_form(clock).to_data())
    device.attach_photo(draft, make_jpeg(), name="draft.jpg")
    assert not work_waiting(device)  # a draft's photo goes only once the draft is finalized
    device.finalize(draft)
    assert work_waiting(device)


def test_the_lifecycle_clock_counts_on_and_never_goes_back():
    readings = [elapsed_clock() for _ in range(1000)]
    assert readings == sorted(readings)
    state = AppLifecycle(clock=iter([10.0, 70.0]).__next__)
    assert state.changed("hide", idle_due=lambda: False, unlocked=True, work_waiting=lambda: False) is None
    assert state.changed("show", idle_due=lambda: False, unlocked=True, work_waiting=lambda: False) == "back"
    assert state.away_seconds == 60.0
