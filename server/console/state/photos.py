"""A report's photos as the console shows them: what the server holds, and full size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

THUMBNAIL_PX = 320
# "Open full size" sends the original to the browser over the Flet session's websocket; a
# larger photo is shown at PREVIEW_PX instead (Download always gives the original).
FULL_SIZE_INLINE_MAX = 12 * 1024 * 1024
PREVIEW_PX = 1024


def size_text(size: int) -> str:
    """`5.2 MB (5,203,114 bytes)`: readable, and exact as signed."""
    if size >= 1_000_000:
        short = f"{size / 1_000_000:.1f} MB"
    elif size >= 1_000:
        short = f"{size / 1_000:.0f} KB"
    else:
        return f"{size:,} bytes"
    return f"{short} ({size:,} bytes)"


@dataclass(frozen=True)
class ReportPhoto:
    """A photo the signed record lists, and how much of it the server holds."""

    sha256: str
    name: str
    size: int
    mime: str
    received: int = 0
    complete: bool = False
    completed_at: str | None = None

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> ReportPhoto:
        return cls(
            sha256=str(item["sha256"]),
            name=str(item.get("name") or ""),
            size=int(item.get("size") or 0),
            mime=str(item.get("mime") or ""),
            received=int(item.get("received") or 0),
            complete=bool(item.get("complete")),
            completed_at=item.get("completed_at"),
        )

    @property
    def status(self) -> str:
        """`complete` (whole, matched its signed hash), `partial` (arriving) or `absent`."""
        if self.complete:
            return "complete"
        return "partial" if self.received > 0 else "absent"

    @property
    def status_text(self) -> str:
        if self.complete:
            return "received, hash verified"
        if self.received > 0:
            return f"arriving: {self.received:,} of {self.size:,} bytes"
        return "not yet received"


@dataclass(frozen=True)
class FullPhoto:
    """What "Open full size" shows: the original bytes (hash checked here again), or for a very
    large photo a `PREVIEW_PX` rendering (`scaled`)."""

    photo: ReportPhoto
    image: bytes
    scaled: bool
