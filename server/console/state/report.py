"""One report in view: detail, lock, audit trail, photos, corroboration and the decision."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from typing import Any

from server.schemas import (
    CORROBORATION_HOURS_MAX,
    CORROBORATION_KM_MAX,
    DECISIONS,
    REASON_MAX,
    REASON_REQUIRED,
)
from sync.geo import distance_km

from ..api import ConsoleApi
from ..errors import ApiError, InvalidInput, PhotoHashMismatch, PhotoNotArrived
from .photos import FULL_SIZE_INLINE_MAX, PREVIEW_PX, THUMBNAIL_PX, FullPhoto, ReportPhoto
from .text import label, parse_number, parse_when


@dataclass
class ReportState:
    """One report in view: its detail, lock, audit trail, photos and corroboration candidates."""

    record_id: str
    detail: dict[str, Any] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    photos: list[ReportPhoto] = field(default_factory=list)
    # Thumbnails by SHA-256 (content-addressed, so never stale); None: the server made none.
    thumbnails: dict[str, bytes | None] = field(default_factory=dict)
    radius_km: float = 10.0
    window_hours: float = 24.0
    # The agreement's geometry this report breaks (a withdrawal line, a storage site...), with
    # the register entry behind each: docs/registers.md, "Flags".
    flags: list[dict[str, Any]] = field(default_factory=list)

    async def load(self, api: ConsoleApi) -> None:
        self.detail = await api.report(self.record_id)
        self.audit = await api.audit(self.record_id)
        self.flags = await api.flags(self.record_id)
        self.photos = [ReportPhoto.from_api(item) for item in await api.photos(self.record_id)]
        await self.load_candidates(api)

    @property
    def thumbnails_missing(self) -> list[ReportPhoto]:
        return [p for p in self.photos if p.complete and p.sha256 not in self.thumbnails]

    async def load_thumbnails(self, api: ConsoleApi) -> None:
        """Thumbnails of the photos that have arrived (after `load`, so the report shows first)."""
        wanted = self.thumbnails_missing

        async def one(photo: ReportPhoto) -> bytes | None:
            try:
                return await api.photo_thumbnail(self.record_id, photo.sha256, px=THUMBNAIL_PX)
            except ApiError:  # e.g. 422: bytes Pillow cannot read; the photo itself is still there
                return None

        found = await asyncio.gather(*(one(photo) for photo in wanted))
        for photo, image in zip(wanted, found, strict=True):
            self.thumbnails[photo.sha256] = image

    def photo(self, sha256: str) -> ReportPhoto:
        for photo in self.photos:
            if photo.sha256 == sha256:
                return photo
        raise PhotoNotArrived()

    async def full_photo(self, api: ConsoleApi, sha256: str) -> FullPhoto:
        """The photo to show in full: only once complete, and only if its bytes hash to the
        SHA-256 the device signed (the server checked on arrival; the console checks again)."""
        photo = self.photo(sha256)
        if not photo.complete:
            raise PhotoNotArrived()
        if photo.size > FULL_SIZE_INLINE_MAX:
            image = await api.photo_thumbnail(self.record_id, sha256, px=PREVIEW_PX)
            return FullPhoto(photo=photo, image=image, scaled=True)
        answer = await api.photo(self.record_id, sha256)
        if hashlib.sha256(answer.content).hexdigest() != sha256:
            raise PhotoHashMismatch()
        return FullPhoto(photo=photo, image=answer.content, scaled=False)

    async def load_candidates(self, api: ConsoleApi) -> None:
        found = await api.corroboration(self.record_id, km=self.radius_km, hours=self.window_hours)
        self.candidates = [with_separation(self.detail, other) for other in found]

    async def set_window(self, api: ConsoleApi, km: str | float, hours: str | float) -> None:
        radius = parse_number(km, field_name="km", low=0, high=CORROBORATION_KM_MAX)
        window = parse_number(hours, field_name="hours", low=0, high=CORROBORATION_HOURS_MAX)
        previous = (self.radius_km, self.window_hours)
        self.radius_km, self.window_hours = radius, window
        try:
            await self.load_candidates(api)
        except Exception:
            self.radius_km, self.window_hours = previous
            raise

    @property
    def record(self) -> dict[str, Any]:
        return self.detail.get("record") or {}

    @property
    def lock(self) -> dict[str, Any] | None:
        return self.detail.get("lock")

    def lock_held_by(self, username: str) -> bool:
        lock = self.lock
        return bool(lock and lock.get("username") == username)

    async def take_lock(self, api: ConsoleApi) -> None:
        self.detail = {**self.detail, "lock": await api.take_lock(self.record_id)}

    async def release_lock(self, api: ConsoleApi) -> None:
        await api.release_lock(self.record_id)
        self.detail = {**self.detail, "lock": None}

    async def decide(self, api: ConsoleApi, state: str | None, reason: str | None) -> None:
        state, reason = validate_decision(state, reason)
        await api.decide(self.record_id, state, reason)
        await self.load(api)


def validate_decision(state: str | None, reason: str | None) -> tuple[str, str | None]:
    """The decision and its reason, or InvalidInput naming the field to fix."""
    if state not in DECISIONS:
        raise InvalidInput("decision", "Choose a decision.")
    reason = (reason or "").strip() or None
    if state in REASON_REQUIRED and not reason:
        what = "question for the observer" if state == "needs_info" else "reason"
        raise InvalidInput("reason", f"A {what} is required for {label(state)}.")
    if reason and len(reason) > REASON_MAX:
        raise InvalidInput("reason", f"Keep the reason under {REASON_MAX} characters.")
    return state, reason


def with_separation(report: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """A candidate with its distance (km) and time difference (hours) from the report in view.

    The server's distance is kept when it sends one. The time difference is signed here
    (negative: observed before the report in view), which the server's figure is not.
    """
    result = dict(other)
    here, there = point_of(report), point_of(other)
    if result.get("distance_km") is None and here and there:
        result["distance_km"] = distance_km(*here, *there)
    a, b = parse_when(observed_of(report)), parse_when(observed_of(other))
    if a and b:
        result["hours_apart"] = (b - a).total_seconds() / 3600.0
    return result


def point_of(item: dict[str, Any]) -> tuple[float, float] | None:
    """(lat, lon) of a report summary or detail, whichever shape the server used."""
    if item.get("lat") is not None and item.get("lon") is not None:
        return float(item["lat"]), float(item["lon"])
    location = item.get("location") or (item.get("record") or {}).get("location") or {}
    if location.get("lat") is not None and location.get("lon") is not None:
        return float(location["lat"]), float(location["lon"])
    return None


def observed_of(item: dict[str, Any]) -> str | None:
    return item.get("observed_at") or (item.get("record") or {}).get("observed_at")
