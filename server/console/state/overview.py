"""The overview map's state: every report in a time range, in any state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.wire import REVIEW_STATES

from ..api import ConsoleApi
from .queue import QueueFilters
from .report import point_of


@dataclass
class OverviewState:
    """Every report in a time range (any state), for the overview map."""

    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    most: int = 2000  # pins a map stays readable (and quick) with
    page_size: int = 200  # the server's largest page

    async def load(self, api: ConsoleApi) -> None:
        filters = QueueFilters(state=None, kind=self.kind, since=self.since, until=self.until)
        items: list[dict[str, Any]] = []
        total = 0
        while len(items) < self.most:
            answer = await api.queue({**filters.to_params(), "limit": self.page_size, "offset": len(items)})
            items += answer["items"]
            total = int(answer.get("total", len(items)))
            if not answer["items"] or len(items) >= total:
                break
        self.items = [item for item in items[: self.most] if point_of(item)]
        self.total = total

    async def apply(self, api: ConsoleApi, *, since: str, until: str, kind: str | None) -> None:
        filters = QueueFilters.from_form(state=None, kind=kind, device_id=None, since=since, until=until)
        previous = (self.since, self.until, self.kind)
        self.since, self.until, self.kind = filters.since, filters.until, filters.kind
        try:
            await self.load(api)
        except Exception:
            self.since, self.until, self.kind = previous
            raise

    def count_by_state(self) -> dict[str, int]:
        counts = dict.fromkeys(REVIEW_STATES, 0)
        for item in self.items:
            counts[item.get("state", "received")] = counts.get(item.get("state", "received"), 0) + 1
        return counts
