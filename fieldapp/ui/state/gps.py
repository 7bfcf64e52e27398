"""One GPS fix through flet-geolocator, with "no permission / unavailable" as plain outcomes."""

import asyncio
from dataclasses import dataclass
from typing import Any

GPS_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class GpsFix:
    lat: float = 0.0
    lon: float = 0.0
    accuracy_m: float | None = None
    error_key: str | None = None  # translation key when there is no fix


def fix_from_position(position: Any) -> GpsFix:
    if position is None or position.latitude is None or position.longitude is None:
        return GpsFix(error_key="gps.unavailable")
    return GpsFix(float(position.latitude), float(position.longitude), _accuracy(position))


def _accuracy(position: Any) -> float | None:
    value = getattr(position, "accuracy", None)
    return float(value) if value is not None else None


class GpsReader:
    """Reads fixes for the page. Held by the app: Flet drops a service (the geolocator)
    nobody references, so it is made on first use and kept here."""

    def __init__(self, *, timeout: float = GPS_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._geolocator: Any = None  # flet_geolocator.Geolocator, made on the page's loop

    async def read_fix(self) -> GpsFix:
        """Ask for permission if needed, then one position; never raises."""
        try:
            import flet_geolocator as ftg  # type: ignore[import-untyped]  # ships no py.typed
        except ImportError:
            return GpsFix(error_key="gps.unavailable")
        try:
            if self._geolocator is None:
                self._geolocator = ftg.Geolocator()
            geo = self._geolocator
            status = await asyncio.wait_for(geo.request_permission(), self.timeout)
            if status in (
                ftg.GeolocatorPermissionStatus.DENIED,
                ftg.GeolocatorPermissionStatus.DENIED_FOREVER,
            ):
                return GpsFix(error_key="gps.no_permission")
            position = await asyncio.wait_for(geo.get_current_position(), self.timeout)
        except TimeoutError:
            return GpsFix(error_key="gps.timeout")
        except Exception:  # the client reports a missing sensor or a browser refusal as an error
            return GpsFix(error_key="gps.unavailable")
        return fix_from_position(position)
