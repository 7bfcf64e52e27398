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


async def read_fix(app: Any) -> GpsFix:
    """Ask for permission if needed, then one position; never raises."""
    try:
        import flet_geolocator as ftg
    except ImportError:
        return GpsFix(error_key="gps.unavailable")
    try:
        if app.geolocator is None:
            # Kept on the app object: Flet drops services nobody references.
            app.geolocator = ftg.Geolocator()
        geo = app.geolocator
        status = await asyncio.wait_for(geo.request_permission(), GPS_TIMEOUT_SECONDS)
        if status in (ftg.GeolocatorPermissionStatus.DENIED, ftg.GeolocatorPermissionStatus.DENIED_FOREVER):
            return GpsFix(error_key="gps.no_permission")
        position = await asyncio.wait_for(geo.get_current_position(), GPS_TIMEOUT_SECONDS)
    except TimeoutError:
        return GpsFix(error_key="gps.timeout")
    except Exception:  # the client reports a missing sensor or a browser refusal as an error
        return GpsFix(error_key="gps.unavailable")
    return fix_from_position(position)
