"""The bounded GPS read (issue 13.2, 18.5) on a fake clock with a fake geolocator: progress
once a second, a 20 s timeout, cancel, permission refused at once, and what the fix says
about itself (accuracy, its time, mocked)."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fieldapp.ui.state.form_record import read_form
from fieldapp.ui.state.gps import GpsFix, GpsReader
from fieldapp.ui.state.observation_form import ObservationForm

NOW = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)


@dataclass
class Position:  # the fields of flet_geolocator.GeolocatorPosition the reader uses
    latitude: float | None = 31.20891
    longitude: float | None = 16.58873
    accuracy: float | None = 8.0
    timestamp: object = None
    mocked: bool | None = None


class FakeGeolocator:
    def __init__(self, *, permission="whileInUse", position=None, hang=False):
        self.permission, self.position, self.hang = permission, position, hang
        self.asked = 0

    async def request_permission(self):
        return self.permission

    async def get_current_position(self):
        self.asked += 1
        if self.hang:
            await asyncio.Event().wait()  # a receiver that never answers
        return self.position or Position()


class FakeTime:
    def __init__(self):
        self.seconds = 0.0

    def __call__(self):
        return self.seconds

    async def sleep(self, seconds):
        self.seconds += seconds
        await asyncio.sleep(0)


def reader(geo, time=None):
    time = time or FakeTime()
    return GpsReader(geolocator=lambda: geo, clock=time, sleep=time.sleep, now=lambda: NOW), time


def test_a_fix_that_never_comes_times_out_after_20_seconds_with_progress():
    gps, time = reader(FakeGeolocator(hang=True))
    ticks = []
    fix = asyncio.run(gps.read_fix(progress=ticks.append))
    assert fix.error_key == "gps.timeout"
    assert time.seconds == 20.0 and ticks == list(range(20))
    assert not gps.busy


def test_permission_refused_is_said_at_once():
    geo = FakeGeolocator(permission="denied")
    gps, time = reader(geo)
    assert asyncio.run(gps.read_fix()).error_key == "gps.no_permission"
    assert time.seconds == 0.0 and geo.asked == 0


def test_cancel_stops_the_wait():
    gps, time = reader(FakeGeolocator(hang=True))

    async def run():
        task = asyncio.ensure_future(gps.read_fix(progress=lambda s: s == 3 and gps.cancel()))
        return await task

    assert asyncio.run(run()).error_key == "gps.cancelled"
    assert time.seconds == 3.0 and not gps.busy


def test_a_fix_keeps_its_accuracy_time_and_mock_flag():
    taken = NOW - timedelta(seconds=12)
    geo = FakeGeolocator(position=Position(accuracy=8.4, timestamp=taken.timestamp() * 1000, mocked=True))
    gps, _ = reader(geo)
    fix = asyncio.run(gps.read_fix())
    assert fix == GpsFix(31.20891, 16.58873, 8.4, fix_at=taken, mocked=True)
    assert fix.age_seconds(NOW) == 12.0
    # no timestamp: the time it arrived; accuracy 0.0 is "unknown" (flet-geolocator's default)
    fix = asyncio.run(reader(FakeGeolocator(position=Position(accuracy=0.0)))[0].read_fix())
    assert (fix.fix_at, fix.accuracy_m, fix.mocked) == (NOW, None, None)


def test_a_fix_worse_than_the_limit_is_offered_not_used():
    form = ObservationForm(clock=lambda: NOW)
    weak = GpsFix(31.2, 16.5, 120.0, fix_at=NOW - timedelta(seconds=5))
    assert not form.use_fix(weak, max_accuracy_m=50)
    assert form.weak_fix == weak and form.lat == "" and form.location_source is None
    form.refuse_weak_fix()
    assert form.weak_fix is None and form.lat == ""
    form.use_fix(weak, max_accuracy_m=50)
    form.accept_weak_fix()
    assert (form.lat, form.lon, form.accuracy_m, form.location_source) == (
        "31.20000",
        "16.50000",
        "120",
        "gps",
    )
    assert form.fix_age_seconds() == 5.0
    good = GpsFix(31.2, 16.5, 9.0, fix_at=NOW, mocked=True)
    assert form.use_fix(good, max_accuracy_m=50)
    location = read_form(form)[0]["location"]
    assert location == {
        "lat": 31.2,
        "lon": 16.5,
        "source": "gps",
        "accuracy_m": 9.0,
        "fix_at": NOW.isoformat(timespec="seconds"),
        "mocked": True,
    }
    form.set_manual(lat="31.3")  # typed over: no longer the fix
    assert (form.fix_at, form.mocked) == (None, None)


def test_a_second_read_while_one_runs_is_turned_away():
    gps, _ = reader(FakeGeolocator(hang=True))

    async def run():
        first = asyncio.ensure_future(gps.read_fix())
        await asyncio.sleep(0)
        second = await gps.read_fix()
        gps.cancel()
        return second, await first

    second, first = asyncio.run(run())
    assert second.error_key == "gps.busy" and first.error_key == "gps.cancelled"
