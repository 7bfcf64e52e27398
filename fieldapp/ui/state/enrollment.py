"""Enrolment from the app: server URL + one-time code → the device is known to the server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from fieldapp.services import Unlocked


@dataclass(frozen=True)
class EnrollOutcome:
    ok: bool
    message_key: str | None = None  # translation key for the outcome
    detail: str | None = None  # the service's own sentence when it failed


def enrolled_server(device: Unlocked) -> str | None:
    """The server this device is enrolled with, or None."""
    from fieldapp.services.enrollment import is_enrolled

    return device.sync_settings.get("server_url") if is_enrolled(device) else None


def enroll(
    device: Unlocked, server_url: str, code: str, *, transport: httpx.BaseTransport | None = None
) -> EnrollOutcome:
    """Never raises for what a person can fix: the outcome says what happened."""
    from fieldapp.errors import FieldAppError
    from fieldapp.services.enrollment import enroll_device
    from sync.errors import SyncError

    if not server_url.strip():
        return EnrollOutcome(False, "enroll.need_server")
    if not code.strip():
        return EnrollOutcome(False, "enroll.need_code")
    try:
        enroll_device(device, server_url.strip(), code.strip(), transport=transport)
    except (FieldAppError, SyncError) as exc:
        return EnrollOutcome(False, "enroll.failed", detail=" ".join(str(exc).split()))
    return EnrollOutcome(True, "enroll.done")


@dataclass
class Enrollment:
    """The enrol screen's state: where the device is enrolled now, and enrolling it."""

    device: Unlocked

    def current_server(self) -> str | None:
        return enrolled_server(self.device)

    def saved_url(self) -> str:
        """The server address last typed (kept in the encrypted settings)."""
        return self.device.settings().server_url or ""

    async def enroll(self, server_url: str, code: str) -> EnrollOutcome:
        """`enrol` off the page's loop (it talks to the server)."""
        return await asyncio.to_thread(enroll, self.device, server_url, code)
