"""The log alarms devices raised (docs/evidence.md), as administrators see them in the console.

A device raises an alarm when the server's transparency log is not what it kept or was
promised: a head that does not verify, a log that shrank or forked, a record missing from
it. Alarms are evidence, never cleared: the console counts them on every screen an
administrator sees and lists each with its device, when it happened and what failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .api import ConsoleApi
from .state import short_time


@dataclass(frozen=True)
class LogAlarm:
    """One alarm, ready to show."""

    id: int
    device_id: str
    device_label: str | None
    detected_at: str  # by the device's clock
    received_at: str  # by the server's
    reason: str
    record_id: str | None
    signed: bool  # every head the device sent carries this server's valid signature

    @classmethod
    def from_api(cls, item: dict[str, Any], labels: dict[str, str | None]) -> LogAlarm:
        device_id = str(item.get("device_id") or "")
        return cls(
            id=int(item.get("id") or 0),
            device_id=device_id,
            device_label=labels.get(device_id),
            detected_at=short_time(item.get("detected_at")),
            received_at=short_time(item.get("received_at")),
            reason=str(item.get("reason") or ""),
            record_id=item.get("record_id"),
            signed=bool(item.get("heads_signed_by_server")),
        )

    @property
    def device_text(self) -> str:
        return f"{self.device_id} ({self.device_label})" if self.device_label else self.device_id

    @property
    def evidence_text(self) -> str:
        if self.signed:
            return "The heads the device sent carry this server's signature: proof, not rumour."
        return "The device sent no head this server signed: the alarm cannot be checked here."


@dataclass
class LogAlarmsState:
    """The alarms, newest first (the server lists its latest 500), and how many there are."""

    alarms: list[LogAlarm] = field(default_factory=list)
    loaded: bool = False

    async def load(self, api: ConsoleApi) -> None:
        items = await api.log_alarms()
        labels: dict[str, str | None] = {}
        if items:  # name the devices (administrators see every device anyway)
            labels = {str(d.get("device_id")): d.get("label") for d in await api.devices()}
        self.alarms = [LogAlarm.from_api(item, labels) for item in items]
        self.loaded = True

    @property
    def count(self) -> int:
        return len(self.alarms)

    @property
    def count_text(self) -> str:
        if not self.alarms:
            return "No device has raised an alarm about this server's log."
        return f"{self.count} alarm(s) raised by devices about this server's log"
