"""Photos on the form, the detail screen and the home list, against a real encrypted store
(no browser): hash at pick time, held until the draft exists, refusals that change nothing,
the EXIF offer filling the form, "photos pending" / "all photos sent"."""

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from fieldapp.store import NotEditable
from fieldapp.store.attachments import NotAPhoto, PhotoAlreadyAttached, PhotoTooLarge, TooManyPhotos
from fieldapp.ui.i18n import Translator
from fieldapp.ui.state.home import HomeState
from fieldapp.ui.state.observation_form import ObservationForm
from fieldapp.ui.state.photos import (
    FormPhotos,
    record_photos,
    refusal,
    short_hash,
    size_text,
    upload_summary,
)
from sync.attachment_protocol import PHOTO_SIZE_MAX, PHOTOS_PER_RECORD_MAX
from sync.wire import ItemResult
from tests.app.forms import filled_form
from tests.photos.photo_files import make_jpeg, make_png

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
EN = Translator.load("en")


def photos_for(device, record_id=None):
    return FormPhotos(device, record_id=record_id, local_offset=lambda: timedelta(hours=2))


def is_jpeg(data):
    with Image.open(io.BytesIO(data)) as image:
        return image.format == "JPEG" and max(image.size) <= 320


def test_a_photo_picked_on_a_new_form_is_hashed_then_stored_when_the_draft_is_saved(device, clock):
    jpeg = make_jpeg()
    photos = photos_for(device)
    card = photos.pick("crater.jpg", jpeg)
    # hashed at pick time, thumbnail made in memory; held: there is no draft yet
    assert card.sha256 == hashlib.sha256(jpeg).hexdigest()
    assert card.short_hash == card.sha256[:12] and len(card.short_hash) == 12
    assert is_jpeg(card.thumbnail)
    assert [c.stored for c in photos.cards] == [False]
    assert device.list_page(("draft",)).items == []

    form = filled_form(clock)
    record_id = device.save_draft(form.to_data())
    assert photos.store_held(record_id) == []
    assert photos.held == []
    [stored] = photos.cards
    assert stored.stored and stored.upload_state == "pending"
    assert stored.sha256 == card.sha256 and stored.name == "crater.jpg" and stored.size == len(jpeg)
    assert is_jpeg(stored.thumbnail)
    # the hash taken at pick time is the one the signed record carries
    device.finalize(record_id)
    assert device.get(record_id).record["attachments"] == [
        {"sha256": card.sha256, "name": "crater.jpg", "size": len(jpeg), "mime": "image/jpeg"}
    ]


def test_a_photo_picked_for_a_saved_draft_is_stored_at_once(device, clock):
    record_id = device.save_draft(filled_form(clock).to_data())
    photos = photos_for(device, record_id)
    photos.pick("map.png", make_png())
    assert [(p.name, p.mime) for p in device.photos(record_id)] == [("map.png", "image/png")]
    assert photos.held == [] and photos.cards[0].stored


def test_refusals_change_nothing_and_read_as_sentences_in_both_languages(device, clock):
    record_id = device.save_draft(filled_form(clock).to_data())
    photos = photos_for(device, record_id)
    first = make_jpeg(seed=1)
    photos.pick("one.jpg", first)

    with pytest.raises(NotAPhoto) as not_a_photo:
        photos.pick("notes.txt", b"just some text, not a photo")
    with pytest.raises(PhotoAlreadyAttached):
        photos.pick("again.jpg", first)
    too_big = b"\xff\xd8\xff" + bytes(PHOTO_SIZE_MAX)
    with pytest.raises(PhotoTooLarge) as large:
        photos.pick("huge.jpg", too_big)
    assert [c.name for c in photos.cards] == ["one.jpg"]
    assert [p.name for p in device.photos(record_id)] == ["one.jpg"]

    notice = refusal(not_a_photo.value, "notes.txt")
    assert notice.is_error and notice.key == "photo.error.not_a_photo"
    assert EN.t(notice.key, **notice.values).startswith("notes.txt is not a JPEG or PNG photo")
    assert "20 MB" in EN.t(refusal(large.value, "huge.jpg").key, **refusal(large.value, "huge.jpg").values)
    arabic = Translator.load("ar").t(notice.key, **notice.values)
    assert "notes.txt" in arabic and arabic != EN.t(notice.key, **notice.values)
    # an error nobody foresaw is shown as the service wrote it
    assert refusal(RuntimeError("disk full"), "x").text == "disk full"


def test_the_count_cap_refuses_one_more_photo_and_keeps_the_others(device, clock):
    photos = photos_for(device)  # held photos count too
    for n in range(PHOTOS_PER_RECORD_MAX):
        photos.pick(f"p{n}.jpg", make_jpeg(width=16, height=16, seed=100 + n, with_gps=False))
    with pytest.raises(TooManyPhotos) as caught:
        photos.pick("one-more.jpg", make_jpeg(width=16, height=16, seed=999))
    assert len(photos.cards) == PHOTOS_PER_RECORD_MAX
    assert "at most 10 photos" in EN.t(refusal(caught.value, "x").key, **refusal(caught.value, "x").values)
    record_id = device.save_draft(filled_form(clock).to_data())
    assert photos.store_held(record_id) == []
    assert len(device.photos(record_id)) == PHOTOS_PER_RECORD_MAX


def test_the_photos_exif_time_and_place_are_offered_and_fill_the_form(device, clock):
    photos = photos_for(device)
    photos.pick("crater.jpg", make_jpeg())  # 2025-05-01 09:58 +02:00, 31.21 N 16.59 E
    offer = photos.suggestion
    assert offer["observed_at"] == "2025-05-01T09:58:00+02:00"
    assert offer["location"]["source"] == "gps"
    form = ObservationForm(clock=clock)
    form.choose_kind("other")
    form.use_photo_suggestion(photos.take_suggestion())
    assert photos.suggestion == {}  # offered once
    expected = datetime(2025, 5, 1, 7, 58, tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
    assert form.observed_at == expected
    assert (form.lat, form.lon) == ("31.21000", "16.59000")
    assert form.location_source == "gps" and form.accuracy_m == "6"  # GPSHPositioningError 6.5 m
    # a photo without EXIF offers nothing
    plain = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(plain, "PNG")
    photos.pick("plain.png", plain.getvalue())
    assert photos.suggestion == {}


def test_remove_a_held_or_a_stored_photo_but_not_once_finalized(device, clock):
    photos = photos_for(device)
    held = photos.pick("held.jpg", make_jpeg(seed=5))
    photos.remove(held.sha256)
    assert photos.cards == [] and photos.suggestion == {}

    record_id = device.save_draft(filled_form(clock).to_data())
    photos.store_held(record_id)
    kept = photos.pick("kept.jpg", make_jpeg(seed=6))
    gone = photos.pick("gone.jpg", make_jpeg(seed=7))
    photos.remove(gone.sha256)
    assert [c.name for c in photos.cards] == ["kept.jpg"]
    assert [p.name for p in device.photos(record_id)] == ["kept.jpg"]

    device.finalize(record_id)
    with pytest.raises(NotEditable) as caught:
        photos.remove(kept.sha256)
    assert refusal(caught.value, "").key == "photo.error.not_editable"
    assert [p.name for p in device.photos(record_id)] == ["kept.jpg"]


def deliver(device, record_id):
    """What a sync run's push does when the server accepted the record."""
    device.outbox.mark_results([ItemResult(record_id=record_id, status="accepted")])


def test_detail_says_pending_then_all_sent_and_home_labels_sent_records_with_photos_pending(device, clock):
    jpeg = make_jpeg()
    form = filled_form(clock)
    with_photo = device.save_draft(form.to_data())
    photos_for(device, with_photo).pick("crater.jpg", jpeg)
    without_photo = device.save_draft(form.to_data())
    for record_id in (with_photo, without_photo):
        device.finalize(record_id)

    assert upload_summary(device, with_photo, finalized=False) is None  # drafts: nothing said
    summary = upload_summary(device, with_photo, finalized=True)
    assert (summary.key, summary.pending, summary.total) == ("photo.pending_upload", 1, 1)
    assert upload_summary(device, without_photo, finalized=True).key is None
    [card] = record_photos(device, with_photo)
    assert card.short_hash == short_hash(hashlib.sha256(jpeg).hexdigest()) and is_jpeg(card.thumbnail)

    home = HomeState(device, tab="pending")
    home.refresh()
    assert home.photos_pending == {}  # queued: the record itself still waits
    for record_id in (with_photo, without_photo):
        deliver(device, record_id)
    home.select("sent")
    assert home.photos_pending == {with_photo: 1}
    assert EN.t("home.photos_pending", count=1) == "Sent, photos pending (1)"

    device.photo_uploads.mark_photo(with_photo, card.sha256, "done")
    assert upload_summary(device, with_photo, finalized=True).key == "photo.all_sent"
    home.refresh()
    assert home.photos_pending == {}


def test_size_text():
    assert [size_text(n) for n in (850, 12_300, 4_404_019)] == ["850 B", "12 KB", "4.2 MB"]
