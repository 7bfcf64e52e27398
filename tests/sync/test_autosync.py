"""The background sync loop: start, sync now, offline backoff, clean stop; and once for real."""

import threading
import time
from dataclasses import dataclass

from fieldapp.services.syncing import AutoSync, SyncStatus
from sync.engine import SyncOptions
from sync.report import SyncProgress, SyncReport
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.live import assert_exactly_once, enrolled_device, observations


@dataclass
class FakeOutbox:
    pending: int = 3

    def count_queued(self) -> int:
        return self.pending


class FakeDevice:
    def __init__(self) -> None:
        self.outbox = FakeOutbox()


class FakeTime:
    """The loop's clock for its waits: a wait shorter than `hold` seconds passes at once (the
    fake time moves on by it); a longer one never ends by itself, only when its event is set."""

    def __init__(self, hold: float = 60.0) -> None:
        self.now = 0.0
        self.hold = hold
        self.asked: list[float] = []
        self.holding = threading.Event()

    def wait(self, event: threading.Event, seconds: float) -> bool:
        self.asked.append(seconds)
        if seconds < self.hold or event.is_set():
            self.now += 0.0 if event.is_set() else seconds
            return event.is_set()
        self.holding.set()
        event.wait()  # the hour never passes in a test: only stop() or sync_now() ends it
        return True


class ScriptedSync:
    """Stands in for run_sync: answers statuses from a script, records each call's fake time."""

    def __init__(self, statuses: list[str], fake_time: FakeTime) -> None:
        self.statuses = statuses
        self.time = fake_time
        self.calls: list[float] = []
        self.called = threading.Event()

    def __call__(self, device, **io) -> SyncReport:
        self.calls.append(self.time.now)
        status = self.statuses.pop(0) if self.statuses else "done"
        if status == "boom":
            self.called.set()
            raise RuntimeError("database is locked")
        io["on_progress"](SyncProgress("push", 1, 3, 100))
        if status == "done":
            device.outbox.pending = 0
        report = SyncReport(status=status, still_queued=device.outbox.pending, finished_at=io["clock"]())
        if status != "done":
            report.error = "cannot reach the server"
        self.called.set()
        return report


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_first_sync_at_start_then_sync_now_wakes_the_loop_and_stop_is_prompt():
    statuses: list[SyncStatus] = []
    clock = FakeTime()
    fake = ScriptedSync(["done", "done"], clock)
    loop = AutoSync(FakeDevice(), interval=3600, on_status=statuses.append, sync=fake, wait=clock.wait)
    loop.start()
    wait_for(lambda: len(fake.calls) == 1 and loop.status.state == "idle")
    assert loop.status.pending == 0 and loop.status.last_synced_at is not None
    assert any(s.state == "syncing" and s.progress == SyncProgress("push", 1, 3, 100) for s in statuses)
    loop.sync_now()
    wait_for(lambda: len(fake.calls) == 2)
    started = clock.now
    loop.stop()
    assert clock.now - started < 1.0 and clock.asked[-1] == 3600  # the hour-long wait was cut short
    assert not loop.running and loop.status.state == "stopped"


def test_offline_runs_retry_sooner_than_the_interval_and_keep_the_error():
    clock = FakeTime()
    fake = ScriptedSync(["offline", "offline", "done"], clock)
    loop = AutoSync(FakeDevice(), interval=3600, offline_interval=0.05, sync=fake, wait=clock.wait)
    loop.start()
    wait_for(lambda: len(fake.calls) == 3)
    wait_for(lambda: loop.status.state == "idle")
    loop.stop()
    assert fake.calls[1] - fake.calls[0] < 1.0  # offline: retried after ~offline_interval, not an hour
    assert loop.status.last_error is None and loop.status.last_report.status == "done"


def test_offline_status_is_shown_with_pending_count():
    clock = FakeTime()
    fake = ScriptedSync(["offline"], clock)
    loop = AutoSync(FakeDevice(), interval=3600, offline_interval=3600, sync=fake, wait=clock.wait)
    loop.start()
    wait_for(lambda: loop.status.state == "offline")
    status = loop.status
    loop.stop()
    assert (
        status.pending == 3
        and status.last_error == "cannot reach the server"
        and status.last_synced_at is None
    )


def test_an_unexpected_error_is_reported_and_the_loop_goes_on():
    clock = FakeTime()
    fake = ScriptedSync(["boom", "done"], clock)
    seen: list[str] = []

    def failing_callback(status):
        seen.append(status.state)
        raise ValueError("a UI bug")  # must not stop the loop

    loop = AutoSync(
        FakeDevice(),
        interval=3600,
        offline_interval=0.05,
        on_status=failing_callback,
        sync=fake,
        wait=clock.wait,
    )
    loop.start()
    wait_for(lambda: "error" in seen)
    assert loop.status.last_error == "database is locked"
    loop.sync_now()
    wait_for(lambda: loop.status.state == "idle")
    loop.stop()


def test_stop_interrupts_a_retry_wait_inside_the_run():
    waited = threading.Event()

    def slow_sync(device, **io):
        io["sleep"](60)  # the engine's retry wait: stop() must cut it short
        waited.set()
        return SyncReport(status="stopped" if io["stop_requested"]() else "done")

    clock = FakeTime()
    loop = AutoSync(FakeDevice(), interval=3600, sync=slow_sync, wait=clock.wait)
    loop.start()
    wait_for(clock.holding.is_set)  # inside the 60 s retry wait
    started = clock.now
    loop.stop(timeout=5)
    assert waited.is_set() and clock.now - started < 2.0


def test_autosync_against_a_real_server(tmp_path, server):
    with FaultyProxy(server.port) as proxy:
        device = enrolled_device(tmp_path / "dev", server.data_dir, proxy.url, queued=20)
        proxy.go_offline()
        loop = AutoSync(device, interval=3600, offline_interval=0.2, options=SyncOptions())
        loop.start()
        try:
            wait_for(lambda: loop.status.state == "offline", timeout=15)
            assert loop.status.pending == 20
            proxy.go_online()  # a connection appears: the loop's next probe finds it
            wait_for(lambda: loop.status.state == "idle" and loop.status.pending == 0, timeout=20)
            device.record_many(observations(5, seed=9), finalize=True)
            loop.sync_now()
            wait_for(lambda: loop.status.last_report.sent == 5, timeout=20)
        finally:
            loop.stop()
        assert not loop.running
        assert_exactly_once(device, server.data_dir, expect=25)
        device.lock()


def test_not_enrolled_is_its_own_state():
    from sync.failures import NotEnrolledError

    def not_enrolled(device, **io):
        return SyncReport(status="failed", error=str(NotEnrolledError()), still_queued=3, not_enrolled=True)

    loop = AutoSync(FakeDevice(), interval=3600, sync=not_enrolled)
    loop.start()
    wait_for(lambda: loop.status.state == "not_enrolled")
    loop.stop()


def test_a_device_without_a_server_reports_not_enrolled(tmp_path):
    from fieldapp.services import create_device
    from fieldapp.services.syncing import run_sync
    from fieldapp.vault import FAST_KDF_FOR_TESTS

    with create_device(tmp_path / "dev", "tinned peaches at dawn", kdf=FAST_KDF_FOR_TESTS) as device:
        report = run_sync(device)
        assert report.status == "failed" and report.not_enrolled
        loop = AutoSync(device, interval=3600)
        loop.start()
        wait_for(lambda: loop.status.state == "not_enrolled")
        loop.stop()
