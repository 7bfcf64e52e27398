"""Sync use cases: one push + pull (`run_sync`), offline bundles, and the background loop.

`device` is an unlocked device (`fieldapp.services.Unlocked`): its outbox is the
engine's Outbox and its encrypted settings hold the server URL, the credential and
the server's keys. HTTP goes through an httpx client made here per run (keep-alive
across the run's batches); tests pass a `transport`.
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import httpx

from fieldapp.errors import FieldAppError
from sync.bundle import write_bundle
from sync.engine import ProgressCallback, SyncEngine, SyncOptions
from sync.failures import NotEnrolledError
from sync.log_audit import LogAuditor
from sync.report import SyncProgress, SyncReport
from sync.transport import SyncClient

from .clock import utc_now
from .enrollment import server_link

log = logging.getLogger(__name__)


class NothingToExport(FieldAppError):
    """Queued records are sealed to the server's key at enrolment: enrol this device before exporting."""


def run_sync(
    device: Any,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] = utc_now,
    on_progress: ProgressCallback | None = None,
    stop_requested: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    options: SyncOptions | None = None,
    on_client: Callable[[httpx.Client | None], None] | None = None,
    with_photos: bool = True,
) -> SyncReport:
    """Probe, push every queued record, pull review updates, audit the server's transparency
    log, then (`with_photos`) send the photos of delivered records. Blocking; never raises
    SyncError.

    `on_client` is told the run's httpx client (and None when it is closed), so a
    background loop can close it to abort a request in flight when the app locks.
    """
    link = server_link(device)
    if link is None:
        now = clock()
        return SyncReport(
            status="failed",
            error=str(NotEnrolledError()),
            cause="not_enrolled",
            not_enrolled=True,
            still_queued=still_queued(device),
            started_at=now,
            finished_at=now,
        )
    device.seal_queued()  # anything finalized before the key was stored
    with httpx.Client(transport=transport) as http:
        if on_client is not None:
            on_client(http)
        try:
            client = SyncClient(http, base_url=link.url, credential=link.credential)
            engine = SyncEngine(
                device.outbox,
                client,
                server_sign_key=link.sign_key,
                options=options,
                sleep=sleep,
                rng=rng,
                clock=clock,
                on_progress=on_progress,
                stop_requested=stop_requested,
                auditor=LogAuditor(
                    device.log_audit_store, client, server_sign_key=link.sign_key, clock=clock
                ),
                registers=device.registers,
            )
            report = engine.run()
            report.still_queued = still_queued(device)
            if with_photos and report.status == "done":
                _upload_photos_after(report, device, http, stop_requested, sleep, rng)
            return report
        finally:
            if on_client is not None:
                on_client(None)


def still_queued(device: Any) -> int:
    """Every record still in the outbox: those waiting to go and those the server refused
    (which stay queued with the reason; the engine counts only what it may send)."""
    return device.counts()["queued"]


def _upload_photos_after(
    report: SyncReport,
    device: Any,
    http: httpx.Client,
    stop_requested: Callable[[], bool],
    sleep: Callable[[float], None],
    rng: random.Random | None,
) -> None:
    """Send the photos of records the server now holds; their outcome joins the run's report.

    A photo problem never undoes the records' delivery: the run then reads as the photo
    upload's status (e.g. retry later), so the photos go again on the next run.
    """
    from fieldapp.services.photos import upload_photos

    photos = upload_photos(device, http=http, stop_requested=stop_requested, sleep=sleep, rng=rng)
    report.photos = photos.to_dict()
    if photos.status != "done":
        report.status = photos.status
        report.error = photos.error


def export_bundle(device: Any, path: str | Path) -> int:
    """Write every queued, sealed record to `path` (atomically); nothing is marked sent."""
    if not device.sync_settings.get("server_seal_key"):
        raise NothingToExport()
    device.seal_queued()
    return write_bundle(device.outbox, path, device.device_id)


# -- the background loop ---------------------------------------------------------------

SyncState = Literal["idle", "offline", "syncing", "error", "not_enrolled", "stopped"]


@dataclass(frozen=True)
class SyncStatus:
    """What the sync bar shows: offline · N pending · syncing i/N · last synced at · last error."""

    state: SyncState = "idle"
    pending: int = 0
    progress: SyncProgress | None = None
    last_synced_at: datetime | None = None
    last_report: SyncReport | None = None
    last_error: str | None = None  # the English sentence, for logs; the bar words `last_cause`
    last_cause: str | None = None  # one of sync.failures.CAUSES, None after a run that got through


_STATE_OF_REPORT: dict[str, SyncState] = {
    "done": "idle",
    "offline": "offline",
    "retry_later": "offline",
    "stopped": "stopped",
    "failed": "error",
}


class AutoSync:
    """Syncs in a background daemon thread while the device is unlocked.

    The loop runs a sync at start, then every `interval` seconds while the server
    answers, and probes every `offline_interval` seconds (growing, with jitter, up to
    `interval`) while it does not, so a connection that appears is used soon.
    `sync_now()` wakes it at once. `stop()` ends it at the next batch boundary or
    retry wait, aborting a request in flight if it must, and joins the thread:
    call it before locking (the thread uses the device's keys).

    `on_status` is called from the sync thread with every new `SyncStatus`. `wait(event,
    seconds)` is how the loop waits (between runs, and in a run's retry waits): it returns
    early when the event is set; tests pass a fake clock's.
    """

    def __init__(
        self,
        device: Any,
        *,
        interval: float = 60.0,
        offline_interval: float = 15.0,
        on_status: Callable[[SyncStatus], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now,
        options: SyncOptions | None = None,
        rng: random.Random | None = None,
        sync: Callable[..., SyncReport] = run_sync,
        wait: Callable[[threading.Event, float], bool] = threading.Event.wait,
    ) -> None:
        self._device = device
        self._interval = interval
        self._offline_interval = offline_interval
        self._on_status = on_status
        self._transport = transport
        self._clock = clock
        self._options = options
        self._rng = rng or random.SystemRandom()
        self._sync = sync
        self._wait = wait
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._client: httpx.Client | None = None
        self._status = SyncStatus()

    # -- control (any thread) ------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the loop (a first sync runs at once). Starting twice does nothing."""
        if self.running:
            return
        self._stopping.clear()
        self._wake.set()
        self._thread = threading.Thread(target=self._loop, name="fieldapp-autosync", daemon=True)
        self._thread.start()

    def sync_now(self) -> None:
        """Ask for a sync at once (returns immediately; a run in progress is not doubled)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the loop and wait for the thread (at most `timeout` seconds)."""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is None:
            return
        thread.join(min(2.0, timeout))
        if thread.is_alive():
            # A request is in flight: closing its client makes it fail now instead of
            # after its timeout. Whatever the server did is safe: a resend is a duplicate.
            client = self._client
            if client is not None:
                client.close()
            thread.join(max(0.0, timeout - 2.0))
        self._thread = None

    # -- the loop (sync thread) ----------------------------------------------------------

    def _loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            self._wake.clear()
            report = self._run_once()
            if report is None or self._stopping.is_set():
                break
            if report.status in ("offline", "retry_later"):
                failures += 1
                bound = min(self._interval, self._offline_interval * 2 ** min(failures - 1, 10))
                delay = self._rng.uniform(bound / 2, bound)
            else:
                failures = 0
                delay = self._interval
            self._wait(self._wake, delay)
        self._publish(state="stopped", progress=None)

    def _run_once(self) -> SyncReport | None:
        try:
            self._publish(state="syncing", progress=None, pending=self._device.outbox.count_queued())
            report = self._sync(
                self._device,
                transport=self._transport,
                clock=self._clock,
                on_progress=self._progress,
                stop_requested=self._stopping.is_set,
                sleep=self._interruptible_sleep,
                rng=self._rng,
                options=self._options,
                on_client=self._remember_client,
            )
        except Exception as exc:  # e.g. the device was locked under us: report, never crash the thread
            if self._stopping.is_set():
                return None
            self._publish(state="error", progress=None, last_error=_sentence(exc), last_cause="unexpected")
            return SyncReport(status="failed", error=_sentence(exc), cause="unexpected")
        state = "not_enrolled" if report.not_enrolled else _STATE_OF_REPORT[report.status]
        changes: dict[str, Any] = {
            "state": state,
            "progress": None,
            "pending": report.still_queued,
            "last_report": report,
            "last_error": report.error,
            "last_cause": report.cause,
        }
        if report.status == "done":
            changes["last_synced_at"] = report.finished_at
        self._publish(**changes)
        return report

    def _progress(self, progress: SyncProgress) -> None:
        pending = max(0, progress.total - progress.done) if progress.phase == "push" else self.status.pending
        self._publish(state="syncing", progress=progress, pending=pending)

    def _interruptible_sleep(self, seconds: float) -> None:
        self._wait(self._stopping, seconds)

    def _remember_client(self, client: httpx.Client | None) -> None:
        self._client = client

    def _publish(self, **changes: Any) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)
            status = self._status
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:  # a UI callback failing must not stop syncing
                log.exception("sync status callback failed")


def _sentence(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
