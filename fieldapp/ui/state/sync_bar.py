"""What the sync bar says, from the sync loop's `SyncStatus` (docs/sync.md).

Parts, in order: a log alarm (when the device holds one) · connectivity · N pending ·
syncing i of N · last synced at · why the last run failed. Offline is a normal state (shown
plainly, not as an error) and says why ("Offline (no answer from the server)"); a failure
says its cause in the app's language, never the exception's text (which stays in the log);
a failed audit of the server's transparency log never leaves the bar.
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
    why: str | None = None  # a translation key filled in as {why}

    def text(self, translate: Callable[..., str]) -> str:
        if self.why is None:
            return translate(self.key, **self.values)
        return translate(self.key, **self.values, why=translate(self.why))


def why_key(cause: str | None) -> str:
    """The sentence for a failure's cause (sync.failures.CAUSES); unknown ones read as unexpected."""
    from sync.failures import CAUSES

    return f"sync.why.{cause if cause in CAUSES else 'unexpected'}"


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
        if status.last_cause:
            parts.append(BarPart("sync.offline_why", {}, why=why_key(status.last_cause)))
        else:
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
    if (status.last_error or status.last_cause) and state not in ("offline", "not_enrolled"):
        parts.append(BarPart(why_key(status.last_cause), {}, is_error=True))
    return parts


def sync_bar_text(status: SyncStatus | None, translate: Callable[..., str], **options: Any) -> str:
    return " · ".join(part.text(translate) for part in sync_bar_parts(status, **options))
