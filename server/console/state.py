"""What each console screen shows and the actions that change it (views only draw these).

Every action takes the `ConsoleApi` it talks through, validates what a verifier typed
before anything reaches the server, and leaves the state unchanged when a call fails.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from server.schemas import (
    CORROBORATION_HOURS_MAX,
    CORROBORATION_KM_MAX,
    DECISIONS,
    ENROLLMENT_CODE_HOURS_MAX,
    PASSWORD_MIN,
    REASON_MAX,
    REASON_REQUIRED,
    ROLES,
)
from sync.geo import distance_km
from sync.wire import KINDS, REVIEW_STATES

from .api import ConsoleApi
from .errors import ApiError, InvalidInput, PhotoHashMismatch, PhotoNotArrived

# Colour of each state on the maps and in the queue (Flet colour names).
STATE_COLOURS = {
    "received": "blue700",
    "needs_info": "orange800",
    "verified": "green700",
    "unverifiable": "grey600",
    "rejected": "red700",
}
CHAIN_TEXT = {
    "ok": "valid",
    "valid": "valid",
    "gap": "gap before this record",
    "broken": "invalid",
    "invalid": "invalid",
    "fork": "FORK",
}
THUMBNAIL_PX = 320
# "Open full size" sends the original to the browser over the Flet session's websocket; a
# larger photo is shown at PREVIEW_PX instead (Download always gives the original).
FULL_SIZE_INLINE_MAX = 12 * 1024 * 1024
PREVIEW_PX = 1024


def label(value: str | None) -> str:
    """`needs_info` -> `needs info`: how states and kinds read on screen."""
    return (value or "").replace("_", " ")


def parse_time(text: str | None, *, field_name: str) -> datetime | None:
    """A date or date-time a verifier typed ("2026-03-01", "2026-03-01 08:30"), as aware UTC."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    except ValueError:
        raise InvalidInput(field_name, "Use 2026-03-01 08:30") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_number(text: str | float | None, *, field_name: str, low: float, high: float) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise InvalidInput(field_name, f"A number, {low:g} to {high:g}") from None
    if not low < value <= high:
        raise InvalidInput(field_name, f"Above {low:g}, at most {high:g}")
    return value


def parse_when(value: str | None) -> datetime | None:
    """An ISO time from the server, as aware UTC (None stays None)."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def short_time(value: str | None) -> str:
    """`2026-03-01 08:30 UTC` (the console shows UTC throughout, as the server stores it)."""
    parsed = parse_when(value)
    return parsed.strftime("%Y-%m-%d %H:%M UTC") if parsed else "—"


# -- queue ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters; the exports use the same ones."""

    state: str | None = "received"
    kind: str | None = None
    device_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def to_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.state:
            params["state"] = self.state
        if self.kind:
            params["kind"] = self.kind
        if self.device_id:
            params["device_id"] = self.device_id
        if self.since:
            params["observed_from"] = self.since.isoformat()
        if self.until:
            params["observed_to"] = self.until.isoformat()
        return params

    @classmethod
    def from_form(
        cls,
        *,
        state: str | None,
        kind: str | None,
        device_id: str | None,
        since: str | None,
        until: str | None,
    ) -> QueueFilters:
        """Filters from the form's text, validated (InvalidInput names the field)."""
        if state and state not in REVIEW_STATES:
            raise InvalidInput("state", f"Unknown state {state!r}.")
        if kind and kind not in KINDS:
            raise InvalidInput("kind", f"Unknown kind {kind!r}.")
        device_id = (device_id or "").strip().lower() or None
        if device_id and (len(device_id) > 32 or any(c not in "0123456789abcdef" for c in device_id)):
            raise InvalidInput("device_id", "Up to 32 hex digits")
        start = parse_time(since, field_name="since")
        end = parse_time(until, field_name="until")
        if until and end and len(until.strip()) <= 10:
            end += timedelta(days=1)  # a bare end date includes that whole day
        if start and end and end <= start:
            raise InvalidInput("until", "Must be after From")
        return cls(state=state or None, kind=kind or None, device_id=device_id, since=start, until=end)


@dataclass
class QueueState:
    """The review queue: a page of reports, oldest first, and the count in each state."""

    filters: QueueFilters = field(default_factory=QueueFilters)
    items: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    offset: int = 0
    limit: int = 50

    async def load(self, api: ConsoleApi) -> None:
        params: dict[str, Any] = {**self.filters.to_params(), "offset": self.offset, "limit": self.limit}
        answer = await api.queue(params)
        counts = answer.get("counts")
        if counts is None:
            counts = await api.counts({k: v for k, v in self.filters.to_params().items() if k != "state"})
        self.items = list(answer["items"])
        self.total = int(answer.get("total", len(self.items)))
        self.counts = {state: int(counts.get(state, 0)) for state in REVIEW_STATES}

    async def apply(self, api: ConsoleApi, filters: QueueFilters) -> None:
        previous = (self.filters, self.offset)
        self.filters, self.offset = filters, 0
        try:
            await self.load(api)
        except Exception:
            self.filters, self.offset = previous
            raise

    async def page(self, api: ConsoleApi, step: int) -> None:
        offset = max(0, self.offset + step * self.limit)
        if offset >= max(self.total, 1) and step > 0:
            return
        previous, self.offset = self.offset, offset
        try:
            await self.load(api)
        except Exception:
            self.offset = previous
            raise

    @property
    def range_text(self) -> str:
        if not self.items:
            return "No reports match these filters."
        return f"{self.offset + 1}–{self.offset + len(self.items)} of {self.total}, oldest first"


# -- photos -----------------------------------------------------------------------------------


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


# -- one report -------------------------------------------------------------------------------


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

    async def load(self, api: ConsoleApi) -> None:
        self.detail = await api.report(self.record_id)
        self.audit = await api.audit(self.record_id)
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


# -- overview map -----------------------------------------------------------------------------


@dataclass
class OverviewState:
    """Every report in a time range (any state), for the overview map."""

    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    most: int = 2000  # pins a map stays readable (and quick) with
    page_size: int = 200  # the server's largest page

    async def load(self, api: ConsoleApi) -> None:
        filters = QueueFilters(state=None, kind=self.kind, since=self.since, until=self.until)
        items: list[dict[str, Any]] = []
        total = 0
        while len(items) < self.most:
            answer = await api.queue({**filters.to_params(), "limit": self.page_size, "offset": len(items)})
            items += answer["items"]
            total = int(answer.get("total", len(items)))
            if not answer["items"] or len(items) >= total:
                break
        self.items = [item for item in items[: self.most] if point_of(item)]
        self.total = total

    async def apply(self, api: ConsoleApi, *, since: str, until: str, kind: str | None) -> None:
        filters = QueueFilters.from_form(state=None, kind=kind, device_id=None, since=since, until=until)
        previous = (self.since, self.until, self.kind)
        self.since, self.until, self.kind = filters.since, filters.until, filters.kind
        try:
            await self.load(api)
        except Exception:
            self.since, self.until, self.kind = previous
            raise

    def count_by_state(self) -> dict[str, int]:
        counts = dict.fromkeys(REVIEW_STATES, 0)
        for item in self.items:
            counts[item.get("state", "received")] = counts.get(item.get("state", "received"), 0) + 1
        return counts


# -- administration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCode:
    """An enrolment code just created: shown once, as text and as a QR code."""

    code: str
    expires_at: str | None
    label: str | None
    enroll_uri: str


@dataclass
class AdminState:
    devices: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    issued: IssuedCode | None = None

    async def load(self, api: ConsoleApi) -> None:
        self.devices = await api.devices()
        self.users = await api.users()

    async def issue_code(
        self, api: ConsoleApi, *, label_text: str, hours: str, server_url: str
    ) -> IssuedCode:
        expires = parse_number(hours, field_name="hours", low=0, high=ENROLLMENT_CODE_HOURS_MAX)
        answer = await api.create_enrollment_code(label=label_text.strip() or None, expires_hours=expires)
        self.issued = IssuedCode(
            code=answer["code"],
            expires_at=answer.get("expires_at"),
            label=answer.get("label"),
            enroll_uri=enroll_uri(server_url, answer["code"]),
        )
        return self.issued

    async def revoke(self, api: ConsoleApi, device_id: str) -> None:
        await api.revoke_device(device_id)
        self.devices = await api.devices()

    async def add_user(self, api: ConsoleApi, *, username: str, password: str, role: str) -> None:
        username = username.strip()
        if not username:
            raise InvalidInput("username", "Enter a user name.")
        if role not in ROLES:
            raise InvalidInput("role", "Choose verifier or admin.")
        if len(password) < PASSWORD_MIN:
            raise InvalidInput("password", f"Use at least {PASSWORD_MIN} characters.")
        await api.create_user(username, password, role)
        self.users = await api.users()

    async def set_disabled(self, api: ConsoleApi, username: str, disabled: bool) -> None:
        await api.set_user_disabled(username, disabled)
        self.users = await api.users()

    async def unlock(self, api: ConsoleApi, username: str) -> None:
        await api.unlock_user(username)
        self.users = await api.users()


def enroll_uri(server_url: str, code: str) -> str:
    """What the QR code holds: the server to enrol with and the one-time code.

    `fieldapp enroll --server URL --code CODE` takes the same two values.
    """
    from urllib.parse import urlencode

    return "fieldapp://enroll?" + urlencode({"server": server_url.rstrip("/"), "code": code})


def replace_filters(filters: QueueFilters, **changes: Any) -> QueueFilters:
    return replace(filters, **changes)
