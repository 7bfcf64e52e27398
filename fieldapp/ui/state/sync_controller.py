"""The background sync while unlocked: an `AutoSync` thread (fieldapp.services.syncing)
whose status the sync bar shows. Started on unlock, stopped before the keys go."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from fieldapp.services import Unlocked
    from fieldapp.services.syncing import SyncStatus


class BackgroundSync(Protocol):
    """What the controller needs of `AutoSync` (tests hand in a fake)."""

    def start(self) -> None: ...

    def sync_now(self) -> None: ...

    def stop(self) -> None: ...


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
        self._on_change()

    def sync_now(self) -> None:
        if self.auto is not None:
            self.auto.sync_now()

    def stop(self) -> None:
        auto, self.auto = self.auto, None
        if auto is not None:
            auto.stop()

    @property
    def running(self) -> bool:
        return self.status is not None and self.status.state == "syncing"
