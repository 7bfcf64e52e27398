"""The background sync while unlocked: an `AutoSync` thread (fieldapp.services.syncing)
whose status the sync bar shows. Started on unlock, stopped before the keys go.

It also answers what the observer asked for: after "Sync now" the run's outcome (why it
could not sync, or that it did), and after Finalize whether the report was sent, refused,
or is still queued and why, each said once (`take_notice`). Background runs say nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from fieldapp.ui.state.sync_bar import why_key

if TYPE_CHECKING:
    from fieldapp.services import Unlocked
    from fieldapp.services.syncing import SyncStatus


class BackgroundSync(Protocol):
    """What the controller needs of `AutoSync` (tests hand in a fake)."""

    def start(self) -> None: ...

    def sync_now(self) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class SyncNotice:
    """A sentence for a snackbar: `key` with {why} filled from the `why` key."""

    key: str
    why: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, translate: Callable[..., str]) -> str:
        if self.why is None:
            return translate(self.key, **self.values)
        return translate(self.key, **self.values, why=translate(self.why))


_DELIVERED = ("sent", "duplicate")


class SyncController:
    def __init__(
        self,
        device: Unlocked,
        *,
        on_change: Callable[[], None],
        auto_sync_factory: Callable[..., BackgroundSync] | None = None,
        **options: Any,
    ) -> None:
        self.device = device
        self._on_change = on_change
        self._factory = auto_sync_factory
        self._options = options  # for the factory (AutoSync's interval, transport, clock...)
        self._lock = threading.Lock()
        self.status: SyncStatus | None = None
        self.auto: BackgroundSync | None = None
        self._asked = False  # "Sync now" waits for the end of a run
        self._watched: set[str] = set()  # finalized records whose sending the observer waits for
        self._notice: SyncNotice | None = None

    def start(self) -> None:
        factory = self._factory
        if factory is None:
            from fieldapp.services.syncing import AutoSync

            factory = AutoSync
        self.auto = factory(self.device, on_status=self._status, **self._options)
        self.auto.start()

    def _status(self, status: SyncStatus) -> None:  # called on the sync thread
        with self._lock:
            self.status = status
            if status.state not in ("syncing", "stopped") and status.last_report is not None:
                notice = self._answer(status)
                if notice is not None:
                    self._notice = notice
        self._on_change()

    def _answer(self, status: SyncStatus) -> SyncNotice | None:
        """What a finished run says to what was asked (under the lock)."""
        report = status.last_report
        assert report is not None
        asked, self._asked = self._asked, False
        watched = self._watched
        if watched:
            outcomes = {o.record_id: o.outcome for o in report.outcomes if o.record_id in watched}
            if outcomes:
                self._watched = watched - set(outcomes)
                if any(outcome == "rejected" for outcome in outcomes.values()):
                    return SyncNotice("sync.notice.rejected")
                if any(outcome in _DELIVERED for outcome in outcomes.values()):
                    return SyncNotice("sync.notice.sent")
            elif status.last_cause:
                # Said once; the records stay watched, so the run that sends them says "sent".
                return SyncNotice("sync.notice.still_queued", why=why_key(status.last_cause)) if asked else None
        if not asked:
            return None
        if status.last_cause:
            return SyncNotice("sync.notice.failed", why=why_key(status.last_cause))
        return SyncNotice("sync.notice.done")

    def take_notice(self) -> SyncNotice | None:
        """The answer to the last thing asked, once (None: nothing to say)."""
        with self._lock:
            notice, self._notice = self._notice, None
        return notice

    def sync_now(self, *, watch: str | None = None, answer: bool = False) -> None:
        """A run now. `answer`: the observer asked ("Sync now"), so its outcome is said;
        `watch`: a record just finalized, whose sending (or why not yet) is then said."""
        with self._lock:
            self._asked = self._asked or answer or watch is not None
            if watch is not None:
                self._watched.add(watch)
        if self.auto is not None:
            self.auto.sync_now()

    def stop(self) -> None:
        auto, self.auto = self.auto, None
        if auto is not None:
            auto.stop()

    @property
    def running(self) -> bool:
        return self.status is not None and self.status.state == "syncing"
