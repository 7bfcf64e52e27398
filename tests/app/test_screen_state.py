"""The state behind the detail, settings and enrol screens, the sync controller, and the
app's one error guard — plain pytest against a real encrypted store (no browser)."""

import asyncio
import logging

import pytest

from fieldapp.errors import FieldAppError
from fieldapp.services import Locked, NotEditable
from fieldapp.ui.app import FieldApp
from fieldapp.ui.state.detail import RecordDetail
from fieldapp.ui.state.enrollment import Enrollment
from fieldapp.ui.state.settings import DeviceSettings
from fieldapp.ui.state.sync_controller import SyncController
from fieldapp.vault import FAST_KDF_FOR_TESTS


def report(**changes):
    base = {
        "kind": "unit_movement",
        "observed_at": "2026-03-14T10:00:00+02:00",
        "location": {"lat": 31.2089, "lon": 16.5887, "source": "place"},
        "place": "Sirte",
        "observed_by": "saw",
        "certainty": "confirmed",
        "description": "Column heading east",
        "details": {"heading": "E", "unit": "Brigade 166", "vehicles": {"technical": 12}},
    }
    return {**base, **changes}


def test_detail_lists_fields_in_the_kinds_order_with_the_points_mgrs(device, clock):
    record_id = device.save_draft(report())
    detail = RecordDetail(device, record_id, clock=clock)
    assert detail.mgrs().startswith("33R XQ")
    assert [name for name, _ in detail.common_fields()] == [
        "place",
        "observed_by",
        "certainty",
        "description",
    ]
    details = detail.details()
    assert [name for name, _ in details] == ["unit", "vehicles", "heading"]  # the kind's order
    assert details[0] == ("unit", "Brigade 166") and details[1][1]["technical"] == 12
    assert detail.upload_summary() is None and detail.photos() == []  # a draft's photos say nothing yet


def test_detail_edit_amend_and_delete(device, clock):
    draft = device.save_draft(report())
    detail = RecordDetail(device, draft, clock=clock)
    form = detail.edit()
    assert (form.record_id, form.kind, form.place) == (draft, "unit_movement", "Sirte")
    detail.delete()
    assert device.list_page(("draft",)).items == []

    final = device.record(report(), finalize=True)
    finalized = RecordDetail(device, final, clock=clock)
    amendment = finalized.amend()
    assert amendment.amends == final and amendment.record_id is None and amendment.purpose == "amend"
    assert finalized.upload_summary().key is None  # no photos: nothing to say
    with pytest.raises(NotEditable):
        finalized.delete()


def test_settings_wipe_after_export_and_server(device, tmp_path, clock):
    settings = DeviceSettings(device, tmp_path, clock=clock)
    assert settings.server() is None
    settings.set_wipe_after(3)
    assert settings.current().wipe_after_failures == 3
    settings.set_wipe_after(0)
    assert settings.current().wipe_after_failures is None
    assert settings.about().device_id == device.device_id
    outcome = settings.export()  # not enrolled: no server key to seal to
    assert not outcome.ok and outcome.detail


def test_enrolment_state_with_no_server_listening(device):
    enrollment = Enrollment(device)
    assert enrollment.current_server() is None and enrollment.saved_url() == ""
    outcome = asyncio.run(enrollment.enroll("http://127.0.0.1:9", "ABCD-EFGH"))  # nothing on port 9
    assert not outcome.ok and outcome.message_key == "enroll.failed" and outcome.detail


class FakeAutoSync:
    def __init__(self, device, *, on_status, **options):
        self.device, self.on_status, self.options = device, on_status, options
        self.calls = []

    def start(self):
        self.calls.append("start")

    def sync_now(self):
        self.calls.append("sync_now")

    def stop(self):
        self.calls.append("stop")


def test_sync_controller_keeps_the_latest_status_and_forwards_the_taps(device):
    from fieldapp.services.syncing import SyncStatus

    changes = []
    controller = SyncController(
        device, on_change=lambda: changes.append(1), auto_sync_factory=FakeAutoSync, interval=5
    )
    controller.start()
    auto = controller.auto
    assert auto.options == {"interval": 5} and auto.device is device
    auto.on_status(SyncStatus(state="syncing", pending=2))
    assert controller.running and changes == [1]
    auto.on_status(SyncStatus(state="idle"))
    assert not controller.running and controller.status.state == "idle"
    controller.sync_now()
    controller.stop()
    controller.sync_now()  # after stop: nothing to wake
    assert auto.calls == ["start", "sync_now", "stop"]


class FakePage:
    """Just what the app object touches when it reports an error or changes screen."""

    def __init__(self):
        self.dialogs, self.controls, self.updates = [], [], 0

    def show_dialog(self, dialog):
        self.dialogs.append(dialog)

    def update(self):
        self.updates += 1

    def toasts(self):
        return [dialog.content.value for dialog in self.dialogs]


class Monotonic:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def monotonic():
    return Monotonic()


@pytest.fixture
def app(tmp_path, clock, monotonic):
    made = FieldApp(
        FakePage(), data_dir=tmp_path / "app", kdf=FAST_KDF_FOR_TESTS, clock=clock, monotonic=monotonic
    )
    yield made
    made.session.lock()


def test_the_guard_turns_errors_into_messages_and_counts_activity(app, monotonic, caplog):
    app.idle.set_minutes(1)
    monotonic.now += 50  # 10 s left before auto-lock
    with app.guard():
        raise FieldAppError("the server refused this device's credential")
    assert app.idle.seconds_left() == 60  # a handled tap is activity
    with caplog.at_level(logging.ERROR, logger="fieldapp.ui.app"), app.guard():
        raise KeyError("a bug")
    assert app.page.toasts() == [
        "That did not work: the server refused this device's credential",
        "Something went wrong in the app; its log has the details.",
    ]
    assert "KeyError" in caplog.text  # the traceback goes to the log, not the screen
    monotonic.now += 30
    with app.guard(activity=False):  # a sync redraw is not the observer's doing
        pass
    assert app.idle.seconds_left() == 30


def test_a_locked_device_goes_to_the_unlock_screen(app):
    from fieldapp.ui.views.unlock import UnlockScreen

    assert app.session.create("tinned peaches at dawn", "tinned peaches at dawn") is None
    app.session.lock()
    with pytest.raises(Locked):
        _ = app.device
    with app.guard():
        _ = app.device
    assert isinstance(app.screen, UnlockScreen) and app.page.dialogs == []


def test_the_guard_says_the_sentence_of_a_shared_layer_error(app):
    from sync.places import PlaceListError

    with app.guard():  # e.g. the place picker finds its list unreadable
        raise PlaceListError("the place list /x/places.json could not be read")
    assert app.page.toasts() == ["That did not work: the place list /x/places.json could not be read"]
