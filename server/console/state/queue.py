"""The review queue: its filters (the exports use the same ones, the URL carries them), a page
of reports, and the live part: a poll of GET /reports/changes that brings decisions into the
rows in place and counts the reports arrived since, for a "3 new" banner (docs/console.md)."""

from __future__ import annotations

from collections.abc import Mapping
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

    def to_query(self) -> dict[str, str]:
        """The filters as the console's URL carries them (`/queue?state=any&kind=violation`), so a
        verifier can share a view and a reload keeps it. Times as typed-back minutes, UTC."""
        query: dict[str, str] = {"state": self.state or "any"}
        if self.kind:
            query["kind"] = self.kind
        if self.device_id:
            query["device"] = self.device_id
        if self.since:
            query["from"] = self.since.strftime("%Y-%m-%dT%H:%M")
        if self.until:
            query["to"] = self.until.strftime("%Y-%m-%dT%H:%M")
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilters:
        """The filters a URL names (InvalidInput if it names a bad one); none named: the default
        view, reports still to review."""
        state = query.get("state", "received")
        return cls.from_form(
            state=None if state == "any" else state,
            kind=query.get("kind"),
            device_id=query.get("device"),
            since=query.get("from"),
            until=query.get("to"),
        )

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


@dataclass(frozen=True)
class QueuePoll:
    """What one poll changed, so the view redraws only that."""

    updated: list[str] = field(default_factory=list)  # rows whose state changed
    counts_changed: bool = False
    new_changed: bool = False
    reload: bool = False  # more decisions than one answer holds: read the page again

    @property
    def anything(self) -> bool:
        return bool(self.updated or self.counts_changed or self.new_changed or self.reload)


@dataclass
class QueueState:
    """The review queue: a page of reports, oldest first, and the count in each state."""

    filters: QueueFilters = field(default_factory=QueueFilters)
    items: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    offset: int = 0
    limit: int = 50
    # The poll's cursor (GET /reports/changes), taken just before the page was read, and what
    # it found since: reports arrived under these filters (the banner) until they are shown.
    received_cursor: str | None = None
    event_cursor: int | None = None
    new: int = 0
    new_capped: bool = False

    async def load(self, api: ConsoleApi) -> None:
        # The cursor first: a report arriving while the page is read is counted as new, not lost.
        cursor = await api.queue_changes(self.filters.to_params())
        params: dict[str, Any] = {**self.filters.to_params(), "offset": self.offset, "limit": self.limit}
        answer = await api.queue(params)
        counts = answer.get("counts")
        if counts is None:
            counts = await api.counts({k: v for k, v in self.filters.to_params().items() if k != "state"})
        self.items = list(answer["items"])
        self.total = int(answer.get("total", len(self.items)))
        self.counts = {state: int(counts.get(state, 0)) for state in REVIEW_STATES}
        self.received_cursor, self.event_cursor = cursor["received_cursor"], int(cursor["event_cursor"])
        self.new, self.new_capped = 0, False

    async def poll(self, api: ConsoleApi) -> QueuePoll:
        """What changed since the cursor: the page's rows take their new state in place (a row
        decided elsewhere stays where it is, with its new state: the list never jumps), the
        counts are renewed, and reports arrived under the filters are counted for the banner."""
        if self.event_cursor is None:
            return QueuePoll()
        params: dict[str, Any] = {**self.filters.to_params(), "since_event": self.event_cursor}
        if self.received_cursor:
            params["since"] = self.received_cursor
        answer = await api.queue_changes(params)
        states = {change["record_id"]: change["state"] for change in answer["changed"]}
        updated = []
        for item in self.items:
            record_id = item["record_id"]
            if record_id in states and item.get("state") != states[record_id]:
                item["state"] = states[record_id]
                updated.append(record_id)
        counts = {state: int(answer["counts"].get(state, 0)) for state in REVIEW_STATES}
        poll = QueuePoll(
            updated=updated,
            counts_changed=counts != self.counts,
            new_changed=(answer["new"], answer["new_capped"]) != (self.new, self.new_capped),
            reload=bool(answer["more"]),
        )
        self.counts = counts  # live; the page's range text stays that of the page on screen
        self.event_cursor = int(answer["event_cursor"])
        self.new, self.new_capped = int(answer["new"]), bool(answer["new_capped"])
        return poll

    @property
    def new_text(self) -> str:
        if not self.new:
            return ""
        number = "1000+" if self.new_capped else str(self.new)
        return f"{number} new report{'' if self.new == 1 else 's'}"

    async def show_new(self, api: ConsoleApi) -> None:
        """Load the page holding the first report that arrived (oldest first: they are the last
        `new` of the queue), and start counting again from now."""
        counts = self.counts
        total_now = counts.get(self.filters.state, 0) if self.filters.state else sum(counts.values())
        first_new = max(0, total_now - self.new)
        self.offset = (first_new // self.limit) * self.limit
        await self.load(api)

    def item(self, record_id: str) -> dict[str, Any]:
        return next(item for item in self.items if item["record_id"] == record_id)

    def neighbour(self, record_id: str, step: int) -> str | None:
        """The report before (-1) or after (+1) this one on the page: next / previous shortcuts."""
        ids = [item["record_id"] for item in self.items]
        if record_id not in ids:
            return ids[0] if ids and step > 0 else None
        at = ids.index(record_id) + step
        return ids[at] if 0 <= at < len(ids) else None

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
