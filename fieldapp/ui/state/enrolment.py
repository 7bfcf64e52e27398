"""Enrolment from the app: server URL + one-time code → the device is known to the server."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EnrolOutcome:
    ok: bool
    message_key: str | None = None  # translation key for the outcome
    detail: str | None = None  # the service's own sentence when it failed
    sealed: int = 0


def enrolled_server(device: Any) -> str | None:
    """The server this device is enrolled with, or None."""
    from fieldapp.services.enrollment import is_enrolled

    return device.sync_settings.get("server_url") if is_enrolled(device) else None


def enrol(device: Any, server_url: str, code: str, *, transport: Any = None) -> EnrolOutcome:
    """Never raises for what a person can fix: the outcome says what happened."""
    from fieldapp.errors import FieldAppError
    from fieldapp.services.enrollment import enroll_device
    from sync.errors import SyncError

    if not server_url.strip():
        return EnrolOutcome(False, "enrol.need_server")
    if not code.strip():
        return EnrolOutcome(False, "enrol.need_code")
    try:
        result = enroll_device(device, server_url.strip(), code.strip(), transport=transport)
    except (FieldAppError, SyncError) as exc:
        return EnrolOutcome(False, "enrol.failed", detail=" ".join(str(exc).split()))
    return EnrolOutcome(True, "enrol.done", sealed=result.sealed)
