"""The background sync while unlocked: an `AutoSync` thread (fieldapp.services.syncing)
whose status the sync bar shows. Started on unlock, stopped before the keys go."""

import threading
from collections.abc import Callable
from typing import Any


class SyncController:
    def __init__(self, device: Any, *, on_change: Callable[[], None], auto_sync_factory=None, **options: Any):
        self.device = device
        self._on_change = on_change
        self._factory = auto_sync_factory
        self._options = options
        self._lock = threading.Lock()
        self.status: Any = None
        self.auto: Any = None

    def start(self) -> None:
        factory = self._factory
        if factory is None:
            from fieldapp.services.syncing import AutoSync

            factory = AutoSync
        self.auto = factory(self.device, on_status=self._status, **self._options)
        self.auto.start()

    def _status(self, status: Any) -> None:  # called on the sync thread
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
