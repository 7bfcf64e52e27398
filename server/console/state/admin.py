"""Administration: devices, users, and the enrolment code just issued."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.schemas import ENROLLMENT_CODE_HOURS_MAX, PASSWORD_MIN, ROLES

from ..api import ConsoleApi
from ..errors import InvalidInput
from .text import parse_number


@dataclass(frozen=True)
class IssuedCode:
    """An enrolment code just created: shown once, as text and as a QR code."""

    code: str
    expires_at: str | None
    label: str | None
    enroll_uri: str


@dataclass
class AdminState:
    devices: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    issued: IssuedCode | None = None
    # The lifetime the code form offers: the server's settings.enrollment_code_ttl, in hours.
    code_hours: float | None = None

    @property
    def code_hours_text(self) -> str:
        return f"{self.code_hours:g}" if self.code_hours else ""

    async def load(self, api: ConsoleApi) -> None:
        self.devices = await api.devices()
        self.users = await api.users()

    async def issue_code(
        self, api: ConsoleApi, *, label_text: str, hours: str, server_url: str
    ) -> IssuedCode:
        expires = parse_number(hours, field_name="hours", low=0, high=ENROLLMENT_CODE_HOURS_MAX)
        answer = await api.create_enrollment_code(label=label_text.strip() or None, expires_hours=expires)
        self.issued = IssuedCode(
            code=answer["code"],
            expires_at=answer.get("expires_at"),
            label=answer.get("label"),
            enroll_uri=enroll_uri(server_url, answer["code"]),
        )
        return self.issued

    async def revoke(self, api: ConsoleApi, device_id: str) -> None:
        await api.revoke_device(device_id)
        self.devices = await api.devices()

    async def add_user(self, api: ConsoleApi, *, username: str, password: str, role: str) -> None:
        username = username.strip()
        if not username:
            raise InvalidInput("username", "Enter a user name.")
        if role not in ROLES:
            raise InvalidInput("role", "Choose verifier or admin.")
        if len(password) < PASSWORD_MIN:
            raise InvalidInput("password", f"Use at least {PASSWORD_MIN} characters.")
        await api.create_user(username, password, role)
        self.users = await api.users()

    async def set_disabled(self, api: ConsoleApi, username: str, disabled: bool) -> None:
        await api.set_user_disabled(username, disabled)
        self.users = await api.users()

    async def unlock(self, api: ConsoleApi, username: str) -> None:
        await api.unlock_user(username)
        self.users = await api.users()


def enroll_uri(server_url: str, code: str) -> str:
    """What the QR code holds: the server to enrol with and the one-time code.

    `fieldapp enroll --server URL --code CODE` takes the same two values.
    """
    from urllib.parse import urlencode

    return "fieldapp://enroll?" + urlencode({"server": server_url.rstrip("/"), "code": code})
