"""The home list: tabs drafts / pending / sent / reviewed, newest first, paged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldapp.services import RecordView, Unlocked

from fieldapp.services.tabs import TABS  # which device states each tab shows, in tab order
from fieldapp.store.states import NEEDS_INFO
from fieldapp.ui.state.thread import Thread, thread_of

PAGE_SIZE = 20
# States in which the server holds the record; its photos follow it ("sent, photos pending").
ON_SERVER_STATES = frozenset(TABS["sent"] + TABS["reviewed"])
# Questions are few; past this many the banner's count stops growing (it says "N or more").
QUESTIONS_READ = 200


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
    open_questions: int = 0  # reports whose verifier's question waits for an answer (the banner)
    threads: dict[str, Thread] = field(default_factory=dict)  # needs-info rows of the loaded pages

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
        state_counts = self.device.counts()
        self.counts = self.tab_counts(state_counts)
        self.photos_pending = self._photos_pending(self.items)
        self.threads = self._threads(self.items)
        self.open_questions = self._open_questions() if state_counts.get(NEEDS_INFO) else 0

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
        self.threads.update(self._threads(page.items))

    def badge(self, item: RecordView) -> str | None:
        """ "question" on a report whose question waits, "answered" once answered; else None."""
        thread = self.threads.get(item.id)
        if thread is None:
            return None
        if thread.open_question:
            return "question"
        return "answered" if thread.state_key == "state.needs_info_answered" else None

    def state_key(self, item: RecordView) -> str:
        thread = self.threads.get(item.id)
        return thread.state_key if thread is not None else f"state.{item.state}"

    def _threads(self, items: Sequence[RecordView]) -> dict[str, Thread]:
        # Only needs-info rows have a question; each is read with its history.
        return {
            item.id: thread_of(self.device, self.device.get(item.id)) for item in items if item.state == NEEDS_INFO
        }

    def _open_questions(self) -> int:
        page = self.device.list_page([NEEDS_INFO], cursor=None, limit=QUESTIONS_READ)
        return sum(1 for item in page.items if thread_of(self.device, self.device.get(item.id)).open_question)

    def _photos_pending(self, items: Sequence[RecordView]) -> dict[str, int]:
        """One query per page, for the records the server already has."""
        ids = [item.id for item in items if item.state in ON_SERVER_STATES]
        return self.device.photos_pending_counts(ids) if ids else {}

    @staticmethod
    def tab_counts(state_counts: dict[str, int]) -> dict[str, int]:
        return {tab: sum(state_counts.get(s, 0) for s in states) for tab, states in TABS.items()}
