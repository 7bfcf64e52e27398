"""The review queue: its filters (the exports use the same ones) and a page of reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sync.wire import KINDS, REVIEW_STATES

from ..api import ConsoleApi
from ..errors import InvalidInput
from .text import parse_time


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters; the exports use the same ones."""

    state: str | None = "received"
    kind: str | None = None
    device_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def to_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.state:
            params["state"] = self.state
        if self.kind:
            params["kind"] = self.kind
        if self.device_id:
            params["device_id"] = self.device_id
        if self.since:
            params["observed_from"] = self.since.isoformat()
        if self.until:
            params["observed_to"] = self.until.isoformat()
        return params

    @classmethod
    def from_form(
        cls,
        *,
        state: str | None,
        kind: str | None,
        device_id: str | None,
        since: str | None,
        until: str | None,
    ) -> QueueFilters:
        """Filters from the form's text, validated (InvalidInput names the field)."""
        if state and state not in REVIEW_STATES:
            raise InvalidInput("state", f"Unknown state {state!r}.")
        if kind and kind not in KINDS:
            raise InvalidInput("kind", f"Unknown kind {kind!r}.")
        device_id = (device_id or "").strip().lower() or None
        if device_id and (len(device_id) > 32 or any(c not in "0123456789abcdef" for c in device_id)):
            raise InvalidInput("device_id", "Up to 32 hex digits")
        start = parse_time(since, field_name="since")
        end = parse_time(until, field_name="until")
        if until and end and len(until.strip()) <= 10:
            end += timedelta(days=1)  # a bare end date includes that whole day
        if start and end and end <= start:
            raise InvalidInput("until", "Must be after From")
        return cls(state=state or None, kind=kind or None, device_id=device_id, since=start, until=end)


@dataclass
class QueueState:
    """The review queue: a page of reports, oldest first, and the count in each state."""

    filters: QueueFilters = field(default_factory=QueueFilters)
    items: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    offset: int = 0
    limit: int = 50

    async def load(self, api: ConsoleApi) -> None:
        params: dict[str, Any] = {**self.filters.to_params(), "offset": self.offset, "limit": self.limit}
        answer = await api.queue(params)
        counts = answer.get("counts")
        if counts is None:
            counts = await api.counts({k: v for k, v in self.filters.to_params().items() if k != "state"})
        self.items = list(answer["items"])
        self.total = int(answer.get("total", len(self.items)))
        self.counts = {state: int(counts.get(state, 0)) for state in REVIEW_STATES}

    async def apply(self, api: ConsoleApi, filters: QueueFilters) -> None:
        previous = (self.filters, self.offset)
        self.filters, self.offset = filters, 0
        try:
            await self.load(api)
        except Exception:
            self.filters, self.offset = previous
            raise

    async def page(self, api: ConsoleApi, step: int) -> None:
        offset = max(0, self.offset + step * self.limit)
        if offset >= max(self.total, 1) and step > 0:
            return
        previous, self.offset = self.offset, offset
        try:
            await self.load(api)
        except Exception:
            self.offset = previous
            raise

    @property
    def range_text(self) -> str:
        if not self.items:
            return "No reports match these filters."
        return f"{self.offset + 1}–{self.offset + len(self.items)} of {self.total}, oldest first"
