"""Photos on the device: attach (type by bytes, hash at capture), limits that lose nothing,
signed with the record, encrypted at rest, thumbnails and EXIF in memory, drafts and wipes."""

import base64
import hashlib
from datetime import timedelta

import pytest

from fieldapp.model import InvalidObservation
from fieldapp.services import (
    InvalidItem,
    NotAPhoto,
    NotEditable,
    PhotoAlreadyAttached,
    PhotoTooLarge,
    TooManyPhotos,
    UnknownPhoto,
    unlock_device,
    wipe_device,
)
from fieldapp.vault import FAST_KDF_FOR_TESTS
from sync.attachment_protocol import PHOTO_SIZE_MAX, PHOTOS_PER_RECORD_MAX
from sync.records import SignedRecord, verify_record

from .conftest import PASSPHRASE, all_file_bytes, observation
from .photo_files import MARKER, distinctive_run, make_jpeg, make_png


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_hash_at_capture_is_signed_with_the_record(device, tmp_path):
    photo = make_jpeg()
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(photo)
    record_id = device.record_with_photos(observation(), [path], finalize=True)
    view = device.get(record_id)
    assert view.record["attachments"] == [
        {"sha256": sha(photo), "name": "IMG_0001.jpg", "size": len(photo), "mime": "image/jpeg"}
    ]
    # The hash is inside the signed bytes: verify the signature over them and read it back.
    public_key = base64.b64decode(device.device_info().public_key)
    signed = verify_record(SignedRecord(view.body, base64.b64decode(view.signature)), public_key)
    assert signed["attachments"][0]["sha256"] == sha(photo)
    assert device.read_photo(record_id, sha(photo)) == photo


def test_type_is_taken_from_the_bytes_not_the_name(device, tmp_path):
    draft = device.record(observation())
    fake = tmp_path / "holiday.jpg"
    fake.write_bytes(b"GIF89a not really a jpeg at all")
    with pytest.raises(NotAPhoto, match=r"holiday\.jpg is not a JPEG or PNG photo"):
        device.attach_photo(draft, fake)
    png = make_png()
    renamed = tmp_path / "scan.jpeg"  # a PNG under a .jpeg name is still a PNG
    renamed.write_bytes(png)
    stored = device.attach_photo(draft, renamed)
    assert stored.mime == "image/png" and stored.sha256 == sha(png)
    assert device.get(draft).record["attachments"][0]["mime"] == "image/png"


def test_size_cap_refuses_and_nothing_is_lost(device, tmp_path):
    draft = device.record(observation())
    keep = make_jpeg(seed=3)
    device.attach_photo(draft, keep, name="keep.jpg")
    huge = tmp_path / "huge.jpg"
    with open(huge, "wb") as handle:  # JPEG magic, then past the cap (sparse: no real 20 MB written)
        handle.write(b"\xff\xd8\xff\xe0")
        handle.truncate(PHOTO_SIZE_MAX + 1)
    with pytest.raises(PhotoTooLarge, match=r"huge.jpg is 20.0 MB; photos can be at most 20 MB"):
        device.attach_photo(draft, huge)
    assert [p.sha256 for p in device.photos(draft)] == [sha(keep)]
    assert device.get(draft).record["attachments"][0]["sha256"] == sha(keep)
    assert len(list((device.data_dir / "attachments").iterdir())) == 1


def test_count_cap_refuses_the_eleventh_and_keeps_ten(device):
    draft = device.record(observation(description="ten photos"))
    photos = [make_jpeg(width=16, height=16, seed=100 + i) for i in range(PHOTOS_PER_RECORD_MAX + 1)]
    for photo in photos[:-1]:
        device.attach_photo(draft, photo)
    with pytest.raises(TooManyPhotos, match="at most 10 photos"):
        device.attach_photo(draft, photos[-1])
    view = device.get(draft)
    assert [a["sha256"] for a in view.record["attachments"]] == [sha(p) for p in photos[:-1]]
    assert view.record["description"] == "ten photos"
    assert len(list((device.data_dir / "attachments").iterdir())) == PHOTOS_PER_RECORD_MAX
    with pytest.raises(PhotoAlreadyAttached):
        device.attach_photo(draft, photos[0])
    # record_with_photos refuses before storing anything
    before = device.counts()
    with pytest.raises(TooManyPhotos):
        device.record_with_photos(observation(), photos)
    assert device.counts() == before


def test_photos_only_through_attach(device):
    listed = {"sha256": "a" * 64, "name": "x.jpg", "size": 10, "mime": "image/jpeg"}
    with pytest.raises(InvalidObservation, match="attachments: photos are attached with --attach"):
        device.record(observation(attachments=[listed]))
    with pytest.raises(InvalidItem, match="record 1 of 1: attachments"):
        device.record_many([observation(attachments=[listed])])


def test_draft_edits_keep_photos_and_removing_one_deletes_its_file(device):
    draft = device.record(observation())
    first, second = make_jpeg(seed=11), make_jpeg(seed=12)
    device.attach_photo(draft, first)
    device.attach_photo(draft, second)
    # The form saves without knowing about photos: they stay as attached.
    device.save_draft(observation(description="edited", attachments=[]), record_id=draft)
    assert [a["sha256"] for a in device.get(draft).record["attachments"]] == [sha(first), sha(second)]
    device.remove_photo(draft, sha(first))
    assert [a["sha256"] for a in device.get(draft).record["attachments"]] == [sha(second)]
    assert len(list((device.data_dir / "attachments").iterdir())) == 1
    with pytest.raises(UnknownPhoto):
        device.read_photo(draft, sha(first))


def test_deleting_a_draft_deletes_its_photos(device):
    draft = device.record(observation())
    device.attach_photo(draft, make_jpeg(seed=21))
    kept = device.record_with_photos(observation(), [make_jpeg(seed=22)], finalize=True)
    device.delete_draft(draft)
    files = list((device.data_dir / "attachments").iterdir())
    assert len(files) == 1
    assert device.read_photo(kept, device.photos(kept)[0].sha256)


def test_finalized_photos_are_fixed_and_amendments_start_without_them(device):
    record_id = device.record_with_photos(observation(), [make_jpeg(seed=31)], finalize=True)
    with pytest.raises(NotEditable):
        device.attach_photo(record_id, make_jpeg(seed=32))
    with pytest.raises(NotEditable):
        device.remove_photo(record_id, device.photos(record_id)[0].sha256)
    prefill = device.start_amendment(record_id)
    assert prefill["attachments"] == []
    amended = device.record(prefill)
    device.attach_photo(amended, make_jpeg(seed=33))
    assert len(device.photos(amended)) == 1


def test_no_plaintext_image_on_disk(device, device_dir):
    photo = make_jpeg(width=640, height=480, seed=41)
    png = make_png(seed=42)
    assert MARKER in photo and MARKER in png
    record_id = device.record_with_photos(observation(), [photo, png], finalize=True)
    draft = device.record(observation(description="draft with photo"))
    device.attach_photo(draft, make_jpeg(seed=43))
    # Reading, thumbnails and EXIF hints happen in memory only.
    for item in device.photos(record_id):
        device.photo_thumbnail(record_id, item.sha256)
        device.photo_hints(record_id, item.sha256)
    runs = [distinctive_run(photo), distinctive_run(png), distinctive_run(photo, 32)]
    files = all_file_bytes(device_dir)
    assert any(p.suffix == ".photo" for p, _ in files)
    for path, data in files:
        assert MARKER not in data, path
        for run in runs:
            assert run not in data, path


def test_thumbnail_is_a_small_jpeg_made_in_memory(device):
    import io

    from PIL import Image

    record_id = device.record_with_photos(observation(), [make_jpeg(width=1200, height=900, seed=51)])
    sha256 = device.photos(record_id)[0].sha256
    before = sorted(p.name for p in device.data_dir.rglob("*"))
    small = device.photo_thumbnail(record_id, sha256, max_px=200)
    assert sorted(p.name for p in device.data_dir.rglob("*")) == before
    with Image.open(io.BytesIO(small)) as image:
        assert image.format == "JPEG" and max(image.size) == 200


def test_exif_time_and_place_are_offered(device):
    record_id = device.record_with_photos(observation(), [make_jpeg(seed=61)])
    hints = device.photo_hints(record_id, device.photos(record_id)[0].sha256)
    assert hints.suggestion() == {
        "observed_at": "2025-05-01T09:58:00+02:00",
        "location": {"lat": 31.21, "lon": 16.59, "accuracy_m": 6.5, "source": "gps"},
    }
    # No offset in the photo: the device's offset is applied only when given.
    from fieldapp.services import photo_hints

    naive = photo_hints(make_jpeg(seed=62, offset=None, with_gps=False))
    assert naive.suggestion() == {}
    assert naive.suggestion(local_offset=timedelta(hours=1)) == {"observed_at": "2025-05-01T09:58:00+01:00"}
    assert photo_hints(b"\xff\xd8\xff not decodable").empty


def test_wipe_removes_photos(device, device_dir):
    device.record_with_photos(observation(), [make_jpeg(seed=71)], finalize=True)
    assert (device_dir / "attachments").is_dir()
    device.lock()
    wipe_device(device_dir)
    assert not (device_dir / "attachments").exists()


def test_orphan_files_from_a_crash_are_swept_at_unlock(device, device_dir):
    import os
    import time

    device.record_with_photos(observation(), [make_jpeg(seed=81)])
    orphan = device_dir / "attachments" / ("0" * 32 + ".photo")
    orphan.write_bytes(b"sealed bytes whose key was never stored")
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    device.lock()
    with unlock_device(device_dir, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS) as again:
        assert not orphan.exists()
        assert len(list((device_dir / "attachments").iterdir())) == 1
        assert again.photos_pending_counts() != {}


def test_pending_counts_follow_upload_state(device):
    record_id = device.record_with_photos(
        observation(), [make_jpeg(seed=95), make_jpeg(seed=96)], finalize=True
    )
    assert device.photos_pending(record_id) == 2
    # queued records are not uploaded yet: the uploader sees nothing until the server has the record
    assert device.photo_uploads.pending_photos() == []
    first = device.photos(record_id)[0]
    device.photo_uploads.mark_photo(record_id, first.sha256, "done")
    assert device.photos_pending(record_id) == 1
    assert device.photos_pending_counts([record_id]) == {record_id: 1}
