"""What the sync bar says, from the sync loop's `SyncStatus` (docs/sync.md).

Parts, in order: a log alarm (when the device holds one) · connectivity · N pending ·
syncing i of N · last synced at · last error. Offline is a normal state (shown plainly, not
as an error); a failed audit of the server's transparency log never leaves the bar.
Returns (key, values) pairs so tests can check them without Flet and the view translates them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.services.syncing import SyncStatus


@dataclass(frozen=True)
class BarPart:
    key: str
    values: dict[str, Any]
    is_error: bool = False


def _local(when: datetime) -> datetime:
    return when.astimezone()


def sync_bar_parts(
    status: SyncStatus | None,
    *,
    pending: int | None = None,
    local_time: Callable[[datetime], datetime] = _local,
) -> list[BarPart]:
    """The sync bar's pieces for a `SyncStatus` (None before the loop reported anything).

    `pending`, when given, is the store's own count of queued records: fresher than the
    loop's last report (which is only recounted when it runs).
    """
    parts: list[BarPart] = []
    if status is None:
        parts.append(BarPart("sync.starting", {}))
        if pending is not None:
            parts.append(BarPart("sync.pending", {"count": pending}))
        return parts
    alarm = status.last_report.log_alarm if status.last_report is not None else None
    if alarm:
        parts.append(BarPart("sync.log_alarm", {"reason": alarm}, is_error=True))
    state = status.state
    if state == "not_enrolled":
        parts.append(BarPart("sync.not_enrolled", {}))
    elif state == "offline":
        parts.append(BarPart("sync.offline", {}))
    elif state == "stopped":
        parts.append(BarPart("sync.stopped", {}))
    elif state == "syncing":
        progress = status.progress
        if progress is not None and progress.phase == "push" and progress.total:
            parts.append(BarPart("sync.syncing_progress", {"done": progress.done, "total": progress.total}))
        elif progress is not None and progress.phase == "pull":
            parts.append(BarPart("sync.pulling", {}))
        else:
            parts.append(BarPart("sync.syncing", {}))
    else:
        parts.append(BarPart("sync.online", {}))
    parts.append(BarPart("sync.pending", {"count": status.pending if pending is None else pending}))
    if status.last_synced_at is not None:
        when: datetime = local_time(status.last_synced_at)
        parts.append(
            BarPart("sync.last_synced", {"time": when.strftime("%H:%M"), "date": when.strftime("%d %b")})
        )
    else:
        parts.append(BarPart("sync.never_synced", {}))
    if status.last_error and state not in ("offline", "not_enrolled"):
        parts.append(BarPart("sync.last_error", {"error": status.last_error}, is_error=True))
    return parts


def sync_bar_text(status: SyncStatus | None, translate: Callable[..., str], **options: Any) -> str:
    return " · ".join(translate(part.key, **part.values) for part in sync_bar_parts(status, **options))
