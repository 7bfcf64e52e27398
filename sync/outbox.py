"""What the sync engine needs from the device's store, as a small interface.

`sync` never imports the app: the app's store implements this protocol.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from .wire import ItemResult, ReviewUpdate


@dataclass(frozen=True)
class OutboxItem:
    """One queued record, already signed and sealed, as it will be sent."""

    record_id: str
    envelope: dict[str, Any]  # {"header": {...}, "sealed": "..."}
    size: int  # bytes of the envelope's JSON, for batching by size


class Outbox(Protocol):
    """The device-side store as the sync engine sees it."""

    def count_queued(self) -> int:
        """Records sealed and waiting to be sent."""
        ...

    def queued(self, *, after: str | None, limit: int) -> list[OutboxItem]:
        """Queued records in send order (by sequence), after the given record id."""
        ...

    def mark_results(self, results: list[ItemResult]) -> None:
        """Record the server's per-item results in one local transaction."""
        ...

    def update_cursor(self) -> int:
        """The last review-update cursor applied (0 at first)."""
        ...

    def apply_updates(self, updates: list[ReviewUpdate], cursor: int) -> None:
        """Store review states and messages, and the new cursor, in one transaction."""
        ...
