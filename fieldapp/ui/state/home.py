"""The home list: tabs drafts / pending / sent / reviewed, newest first, paged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldapp.services import RecordView, Unlocked

from fieldapp.services.tabs import TABS  # which device states each tab shows, in tab order

PAGE_SIZE = 20
# States in which the server holds the record; its photos follow it ("sent, photos pending").
ON_SERVER_STATES = frozenset(TABS["sent"] + TABS["reviewed"])


def tab_for_state(state: str) -> str:
    for tab, states in TABS.items():
        if state in states:
            return tab
    raise ValueError(f"unknown state {state!r}")


@dataclass
class HomeState:
    """One tab's loaded rows plus the per-tab counts; `device` is `services.Unlocked`."""

    device: Unlocked
    tab: str = "drafts"
    page_size: int = PAGE_SIZE
    items: list[RecordView] = field(default_factory=list)
    next_cursor: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    photos_pending: dict[str, int] = field(default_factory=dict)  # record id -> photos not yet sent

    def select(self, tab: str) -> None:
        if tab not in TABS:
            raise ValueError(f"unknown tab {tab!r}")
        self.tab = tab
        self.refresh()

    def refresh(self) -> None:
        """Reload the first page of the current tab and the counts."""
        page = self.device.list_page(TABS[self.tab], cursor=None, limit=self.page_size)
        self.items = list(page.items)
        self.next_cursor = page.next_cursor
        self.counts = self.tab_counts(self.device.counts())
        self.photos_pending = self._photos_pending(self.items)

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None

    def load_more(self) -> None:
        if self.next_cursor is None:
            return
        page = self.device.list_page(TABS[self.tab], cursor=self.next_cursor, limit=self.page_size)
        self.items.extend(page.items)
        self.next_cursor = page.next_cursor
        self.photos_pending.update(self._photos_pending(page.items))

    def _photos_pending(self, items: Sequence[RecordView]) -> dict[str, int]:
        """One query per page, for the records the server already has."""
        ids = [item.id for item in items if item.state in ON_SERVER_STATES]
        return self.device.photos_pending_counts(ids) if ids else {}

    @staticmethod
    def tab_counts(state_counts: dict[str, int]) -> dict[str, int]:
        return {tab: sum(state_counts.get(s, 0) for s in states) for tab, states in TABS.items()}
