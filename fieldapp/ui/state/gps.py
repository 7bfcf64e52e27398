"""One GPS fix through flet-geolocator, bounded: progress while waiting, cancel, a 20 s
timeout; "no permission / unavailable / timed out / cancelled" are plain outcomes.

The fix keeps what the receiver says about it (flet-geolocator's `GeolocatorPosition`):
the accuracy in metres, the time it was taken, and on Android whether it came from a
mock provider (`mocked`; iOS always says False, the web says nothing). They go into the
signed record; see docs/app.md, "GPS".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GPS_TIMEOUT_SECONDS = 20.0
TICK_SECONDS = 1.0  # how often the waiting line says how long it has waited
REFUSED = ("denied", "deniedForever")  # flet_geolocator.GeolocatorPermissionStatus values


@dataclass(frozen=True)
class GpsFix:
    lat: float = 0.0
    lon: float = 0.0
    accuracy_m: float | None = None
    error_key: str | None = None  # translation key when there is no fix
    fix_at: datetime | None = None  # when the receiver took it (aware)
    mocked: bool | None = None  # Android: from a mock location provider; None: not reported

    def age_seconds(self, now: datetime) -> float | None:
        return None if self.fix_at is None else max(0.0, (now - self.fix_at).total_seconds())


def fix_from_position(position: Any, *, received_at: datetime | None = None) -> GpsFix:
    if position is None or position.latitude is None or position.longitude is None:
        return GpsFix(error_key="gps.unavailable")
    return GpsFix(
        float(position.latitude),
        float(position.longitude),
        _accuracy(position),
        fix_at=_when(getattr(position, "timestamp", None)) or received_at,
        mocked=_mocked(position),
    )


def _accuracy(position: Any) -> float | None:
    value = getattr(position, "accuracy", None)
    # flet-geolocator reports 0.0 where the device has no estimate: that is "unknown", not "exact"
    return float(value) if value else None


def _mocked(position: Any) -> bool | None:
    value = getattr(position, "mocked", None)
    return value if isinstance(value, bool) else None


def _when(value: Any) -> datetime | None:
    """The position's timestamp as the client sends it: a datetime, epoch milliseconds or ISO text."""
    try:
        if isinstance(value, datetime):
            when = value
        elif isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            when = datetime.fromtimestamp(value / 1000, UTC)
        elif isinstance(value, str) and value:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


class GpsReader:
    """Reads fixes for the page. Held by the app: Flet drops a service (the geolocator)
    nobody references, so it is made on first use and kept here. `geolocator`, `clock`
    (monotonic seconds), `sleep` and `now` are parameters so tests run on a fake clock."""

    def __init__(
        self,
        *,
        timeout: float = GPS_TIMEOUT_SECONDS,
        geolocator: Callable[[], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.timeout = timeout
        self._make_geolocator = geolocator
        self._clock = clock
        self._sleep = sleep
        self._now = now
        self._geolocator: Any = None  # flet_geolocator.Geolocator, made on the page's loop
        self._task: asyncio.Task[GpsFix] | None = None
        self._cancelled = False

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def cancel(self) -> None:
        """Stop waiting (the Cancel button); `read_fix` returns `gps.cancelled` at once."""
        self._cancelled = True
        if self._task is not None:
            self._task.cancel()

    async def read_fix(self, *, progress: Callable[[int], None] | None = None) -> GpsFix:
        """Ask for permission if needed, then one position, within `timeout` seconds in all;
        `progress(seconds waited)` about once a second. Never raises."""
        if self.busy:
            return GpsFix(error_key="gps.busy")
        self._cancelled = False
        started = self._clock()
        task = self._task = asyncio.ensure_future(self._ask())
        try:
            while not task.done():
                waited = self._clock() - started
                if self._cancelled:
                    return GpsFix(error_key="gps.cancelled")
                if waited >= self.timeout:
                    return GpsFix(error_key="gps.timeout")
                if progress is not None:
                    progress(int(waited))
                await asyncio.wait({task}, timeout=0)  # let it run first
                if not task.done():
                    await self._sleep(min(TICK_SECONDS, self.timeout - waited))
            if self._cancelled or task.cancelled():
                return GpsFix(error_key="gps.cancelled")
            return task.result()
        finally:
            if not task.done():
                task.cancel()
            self._task = None

    async def _ask(self) -> GpsFix:
        try:
            geo = self._geolocator_now()
        except ImportError:
            return GpsFix(error_key="gps.unavailable")
        try:
            status = await geo.request_permission()
            if getattr(status, "value", status) in REFUSED:
                return GpsFix(error_key="gps.no_permission")  # at once: no waiting for a timeout
            position = await geo.get_current_position()
        except asyncio.CancelledError:
            raise
        except Exception:  # the client reports a missing sensor or a browser refusal as an error
            return GpsFix(error_key="gps.unavailable")
        return fix_from_position(position, received_at=self._now())

    def _geolocator_now(self) -> Any:
        if self._geolocator is None:
            if self._make_geolocator is not None:
                self._geolocator = self._make_geolocator()
            else:
                import flet_geolocator as ftg  # type: ignore[import-untyped]  # ships no py.typed

                self._geolocator = ftg.Geolocator()
        return self._geolocator
