"""The detail's location (issues 13.5 and 18.5): the point in 5 places with its MGRS beside it,
a GPS fix's accuracy, time and mock flag, and an incomplete draft shown as typed; the GPS
accuracy limit in Settings (default 50 m)."""

from fieldapp.ui.state.detail import FixFacts, RecordDetail
from fieldapp.ui.state.settings import DeviceSettings
from tests.app.test_screen_state import report


def test_a_gps_fix_shows_its_point_mgrs_accuracy_time_and_mock_flag(device, clock):
    location = {
        "lat": 31.208912,
        "lon": 16.588734,
        "accuracy_m": 12.0,
        "source": "gps",
        "fix_at": "2025-05-01T09:58:40+02:00",
        "mocked": True,
    }
    record_id = device.record(report(location=location), finalize=True)
    detail = RecordDetail(device, record_id, clock=clock)
    assert detail.point() == "31.20891, 16.58873"
    assert detail.mgrs().startswith("33R XQ")
    assert detail.fix_facts() == FixFacts(accuracy_m=12.0, fix_at="2025-05-01T09:58:40+02:00", mocked=True)


def test_an_incomplete_draft_shows_what_was_typed(device, clock):
    typed = device.save_draft(
        {"kind": "other", "location": {"lat": "31.2x", "lon": None, "source": "manual"}}
    )
    detail = RecordDetail(device, typed, clock=clock)
    assert (detail.point(), detail.mgrs(), detail.fix_facts()) == ("31.2x, ?", None, None)
    as_mgrs = device.save_draft({"kind": "other", "location": {"mgrs": "33R XQ 513 538", "source": "manual"}})
    assert RecordDetail(device, as_mgrs, clock=clock).mgrs() == "33R XQ 513 538"


def test_the_gps_limit_is_a_setting_of_50_m_by_default(device, tmp_path, clock):
    settings = DeviceSettings(device, tmp_path, clock)
    assert settings.current().gps_max_accuracy_m == 50
    settings.set_gps_limit(100)
    assert device.settings().gps_max_accuracy_m == 100
