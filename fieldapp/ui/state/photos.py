"""Photos on the form and the detail screen: what is shown for each, and picking one.

A photo picked on the form is checked (JPEG/PNG by its bytes, the size and count caps,
not twice) and hashed at once, in memory. It is stored (sealed, `attach_photo`) as soon
as its draft exists; until the form can be saved as a draft it is *held* here, shown
like the others and stored when the draft is saved. Nothing is written to disk in clear:
thumbnails and EXIF hints are made from bytes in memory.

Refusals are the store's `PhotoError`s; `refusal(exc, name)` turns one into a translation
key and values (the service's English sentence is kept as the fallback).
"""

from __future__ import annotations

import asyncio
import builtins
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fieldapp.services import (
    DamagedPhoto,
    NotAPhoto,
    NotEditable,
    PhotoAlreadyAttached,
    PhotoChanged,
    PhotoError,
    PhotoHints,
    PhotoTooLarge,
    PhotoUnreadable,
    TooManyPhotos,
    UnknownRecord,
)
from fieldapp.services.photos import photo_hints, prepare_photo, thumbnail
from fieldapp.store import StoreError
from sync.attachment_protocol import PHOTO_SIZE_MAX, PHOTOS_PER_RECORD_MAX

if TYPE_CHECKING:
    from fieldapp.services import StoredPhoto, Unlocked
    from fieldapp.ui.state.observation_form import SaveOutcome

SHORT_HASH = 12  # hex digits shown; the whole hash is in the signed record
PICK_EXTENSIONS = ["jpg", "jpeg", "png"]
MAX_MB = PHOTO_SIZE_MAX // (1024 * 1024)  # the caps, for the form's help line
MAX_COUNT = PHOTOS_PER_RECORD_MAX

# Refusal -> translation key (values: name, max_mb, max_count); the most specific first.
REFUSAL_KEYS: tuple[tuple[type[Exception], str], ...] = (
    (NotAPhoto, "photo.error.not_a_photo"),
    (PhotoTooLarge, "photo.error.too_large"),
    (TooManyPhotos, "photo.error.too_many"),
    (PhotoAlreadyAttached, "photo.error.duplicate"),
    (PhotoChanged, "photo.error.changed"),
    (PhotoUnreadable, "photo.error.unreadable"),
    (DamagedPhoto, "photo.error.damaged"),
    (NotEditable, "photo.error.not_editable"),
    (UnknownRecord, "photo.error.unknown_record"),
)


@dataclass(frozen=True)
class Notice:
    """A line to show: a translation key with values, or (unforeseen errors) the text itself."""

    key: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    text: str | None = None
    is_error: bool = False


def refusal(exc: Exception, name: str) -> Notice:
    for kind, key in REFUSAL_KEYS:
        if isinstance(exc, kind):
            return Notice(
                key=key,
                values={"name": name, "max_mb": MAX_MB, "max_count": MAX_COUNT},
                text=str(exc),
                is_error=True,
            )
    return Notice(text=str(exc), is_error=True)


def short_hash(sha256: str) -> str:
    return sha256[:SHORT_HASH]


def size_text(size: int) -> str:
    """Bytes as people read them: 850 B, 12 KB, 4.2 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass
class PhotoCard:
    """One photo as the screens show it."""

    sha256: str
    name: str
    size: int
    thumbnail: bytes | None  # None: the photo can't be shown (a damaged file)
    stored: bool  # sealed on the device (False: held until the draft is saved)
    upload_state: str | None = None  # pending | uploading | done (stored photos)
    data: bytes | None = field(default=None, repr=False)  # held photos only
    hints: PhotoHints | None = None

    @property
    def short_hash(self) -> str:
        return short_hash(self.sha256)

    @property
    def size_text(self) -> str:
        return size_text(self.size)


def card_for_stored(
    device: Unlocked, photo: StoredPhoto, *, cache: dict[str, bytes | None] | None = None
) -> PhotoCard:
    """A stored photo with its thumbnail (decrypted and scaled in memory; cached by hash)."""
    cache = {} if cache is None else cache
    if photo.sha256 not in cache:
        try:
            cache[photo.sha256] = device.photo_thumbnail(photo.record_id, photo.sha256)
        except PhotoError:  # damaged or unreadable: listed with its hash, without a picture
            cache[photo.sha256] = None
    return PhotoCard(
        sha256=photo.sha256,
        name=photo.name,
        size=photo.size,
        thumbnail=cache[photo.sha256],
        stored=True,
        upload_state=photo.upload_state,
    )


def record_photos(device: Unlocked, record_id: str) -> list[PhotoCard]:
    """The detail screen's photos."""
    return [card_for_stored(device, photo) for photo in device.photos(record_id)]


@dataclass(frozen=True)
class UploadSummary:
    """What the detail screen says about a finalized record's photos."""

    total: int
    pending: int

    @property
    def key(self) -> str | None:
        if not self.total:
            return None
        return "photo.pending_upload" if self.pending else "photo.all_sent"


def upload_summary(device: Unlocked, record_id: str, *, finalized: bool) -> UploadSummary | None:
    if not finalized:
        return None
    total = len(device.photos(record_id))
    return UploadSummary(total=total, pending=device.photos_pending(record_id) if total else 0)


class PickedFile(Protocol):
    """A file from the picker (`flet.FilePickerFile`): bytes in the web client, else maybe a path."""

    # Read-only members: the form only reads them, so a captured photo (bytes always there) fits.
    @property
    def name(self) -> str: ...
    @property
    def bytes(self) -> builtins.bytes | None: ...
    @property
    def path(self) -> str | None: ...


@dataclass
class FormPhotos:
    """The form's photos: stored ones (the draft's) then held ones (waiting for the draft),
    and the line shown under them (`notice`).

    `local_offset` gives the device's UTC offset now (for a camera time that doesn't say
    its own). `save_first` saves the form as a draft when it can be (quietly: no messages
    beside fields) so a picked photo can be sealed into it at once; without it, picked
    photos wait until the form is saved.
    """

    device: Unlocked
    record_id: str | None = None
    local_offset: Callable[[], timedelta | None] = lambda: datetime.now().astimezone().utcoffset()
    save_first: Callable[[], SaveOutcome] | None = None
    stored: list[PhotoCard] = field(default_factory=list)
    held: list[PhotoCard] = field(default_factory=list)
    suggestion: dict[str, Any] = field(default_factory=dict)  # the last picked photo's EXIF offer
    suggestion_from: str | None = None  # that photo's SHA-256
    notice: Notice | None = None
    busy: bool = False  # reading picked photos (off the loop): one batch at a time, no save meanwhile
    _thumbnails: dict[str, bytes | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reload()

    @property
    def cards(self) -> list[PhotoCard]:
        return [*self.stored, *self.held]

    def reload(self) -> None:
        if self.record_id is None:
            self.stored = []
            return
        self.stored = [
            card_for_stored(self.device, photo, cache=self._thumbnails)
            for photo in self.device.photos(self.record_id)
        ]

    async def take(
        self, files: Sequence[PickedFile], *, progress: Callable[[], None] | None = None
    ) -> Notice | None:
        """The picker's files, one after the other: read, checked and hashed off the page's
        loop; stored at once into a saved draft, else held, and then the draft is saved
        first if the form can be. Returns (and keeps in `notice`) what to say: the first
        refusal stops the batch. None: nothing picked (cancelled). While a batch is being
        read (`busy`), another is turned away with "photo.busy" and nothing changes.
        `progress` is called whenever `notice` changed before the end.
        """
        if not files:
            return None
        if self.busy:
            return Notice(key="photo.busy")
        self.busy = True
        try:
            for picked in files:
                source = picked.bytes if picked.bytes is not None else picked.path
                if source is None:  # neither bytes nor a path: nothing to read
                    self.notice = refusal(PhotoUnreadable(), picked.name)
                    break
                self.notice = Notice(key="photo.adding")
                if progress is not None:
                    progress()
                try:
                    # hashing, EXIF and the thumbnail (and sealing, for a saved draft) off the loop
                    await asyncio.to_thread(self.pick, picked.name, source)
                except StoreError as exc:  # a refused photo, or the draft finalized/deleted meanwhile
                    self.notice = refusal(exc, picked.name)
                    break
                self.notice = Notice(key="photo.added" if self.record_id else "photo.held")
        finally:
            self.busy = False
        if self.held and self.record_id is None and self.save_first is not None:
            # the draft is saved first (if the form already can be); saving seals held photos
            outcome = self.save_first()
            if outcome.record_id is not None and not outcome.photo_refusals:
                self.notice = Notice(key="photo.saved_draft_first")
        return self.notice

    def pick(self, name: str, source: bytes | str | Path) -> PhotoCard:
        """A photo from the picker: checked and hashed now; raises a PhotoError if refused
        (then nothing changes). Stored at once if the draft exists, else held."""
        prepared = prepare_photo(source, name=name)  # type and size, SHA-256
        if any(card.sha256 == prepared.sha256 for card in self.cards):
            raise PhotoAlreadyAttached()
        if len(self.cards) >= PHOTOS_PER_RECORD_MAX:
            raise TooManyPhotos()
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        if hashlib.sha256(data).hexdigest() != prepared.sha256:
            raise PhotoChanged()
        try:
            small = thumbnail(data)
        except PhotoUnreadable:
            small = None
        card = PhotoCard(
            sha256=prepared.sha256,
            name=prepared.name,
            size=prepared.size,
            thumbnail=small,
            stored=False,
            data=data,
            hints=photo_hints(data),
        )
        if self.record_id is not None:
            self.device.attach_photo(self.record_id, data, name=card.name)  # may refuse: nothing changed
            self._thumbnails[card.sha256] = small
            self.reload()
        else:
            self.held.append(card)
        offer = card.hints.suggestion(local_offset=self.local_offset()) if card.hints else {}
        self.suggestion, self.suggestion_from = (offer, card.sha256) if offer else ({}, None)
        return card

    def store_held(self, record_id: str) -> list[Notice]:
        """Seal every held photo into the (now saved) draft. A refused one stays held, with
        its reason returned (and shown first in `notice`); the others are stored."""
        self.record_id = record_id
        if not self.held:
            return []
        refusals: list[Notice] = []
        still_held: list[PhotoCard] = []
        for card in self.held:
            try:
                self.device.attach_photo(record_id, card.data or b"", name=card.name)
            except PhotoError as exc:
                refusals.append(refusal(exc, card.name))
                still_held.append(card)
            else:
                self._thumbnails[card.sha256] = card.thumbnail
        self.held = still_held
        self.reload()
        self.notice = refusals[0] if refusals else Notice(key="photo.added")
        return refusals

    def remove(self, sha256: str) -> None:
        """Drafts only (the store refuses a finalized record's); a held photo is simply let go."""
        if any(card.sha256 == sha256 for card in self.held):
            self.held = [card for card in self.held if card.sha256 != sha256]
        elif self.record_id is not None:
            self.device.remove_photo(self.record_id, sha256)
            self.reload()
        if self.suggestion_from == sha256:
            self.suggestion, self.suggestion_from = {}, None

    def discard(self, sha256: str) -> Notice:
        """The remove button: remove, and say what happened (`notice`)."""
        try:
            self.remove(sha256)
            self.notice = Notice(key="photo.removed")
        except StoreError as exc:  # a photo error, or the report was finalized meanwhile
            self.notice = refusal(exc, "")
        return self.notice

    def take_suggestion(self) -> dict[str, Any]:
        """The offer, once: using it (or dismissing it) removes it."""
        offer = self.suggestion
        self.suggestion, self.suggestion_from = {}, None
        return offer
