"""Taking a photo with the camera, against a real encrypted store and a fake camera (the real
one in Chromium's fake device: tests/browser/test_camera.py): the captured bytes are hashed
at capture exactly as a picked photo's, and end up in the signed record under that hash."""

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fieldapp.ui.state.camera import CameraCapture, capture_name
from fieldapp.ui.state.photos import FormPhotos
from tests.app.forms import filled_form
from tests.photos.photo_files import make_jpeg

TAKEN = datetime(2026, 3, 14, 11, 30, 5, tzinfo=UTC)


@dataclass
class Lens:
    name: str
    lens_direction: str


@dataclass
class FakeCamera:
    """flet_camera.Camera as the app uses it; records what it was asked."""

    cameras: list = field(default_factory=lambda: [Lens("front", "front"), Lens("back", "back")])
    picture: bytes = b""
    fail_on: str | None = None
    started: list = field(default_factory=list)

    async def get_available_cameras(self):
        if self.fail_on == "list":
            raise RuntimeError("NotAllowedError: Permission denied")
        return self.cameras

    async def initialize(self, description, resolution_preset, enable_audio=True):
        self.started.append((description.name, resolution_preset, enable_audio))

    async def take_picture(self):
        if self.fail_on == "take":
            raise RuntimeError("CameraException: capture failed")
        return self.picture


def run(coroutine):
    return asyncio.run(coroutine)


def capture(**kwargs):
    return CameraCapture(resolution="high", clock=lambda: TAKEN, **kwargs)


def test_a_captured_photo_is_hashed_at_capture_and_signed_under_that_hash(device, clock):
    jpeg = make_jpeg()
    camera = FakeCamera(picture=jpeg)
    state = capture()
    record_id = device.save_draft(filled_form(clock).to_data())
    photos = FormPhotos(device, record_id=record_id, local_offset=lambda: timedelta(0))
    assert run(state.start(camera)) and state.ready
    assert camera.started == [("back", "high", False)]  # the back lens, and never the microphone

    notice = run(state.capture(camera, photos))
    assert notice.key == "photo.added"
    [card] = photos.cards
    assert card.sha256 == hashlib.sha256(jpeg).hexdigest() and card.stored
    assert card.name == capture_name(TAKEN) == "camera-20260314-113005.jpg"
    device.finalize(record_id)
    assert device.get(record_id).record["attachments"] == [
        {"sha256": card.sha256, "name": card.name, "size": len(jpeg), "mime": "image/jpeg"}
    ]


def test_a_capture_on_a_new_form_waits_for_the_draft_like_a_picked_photo(device):
    jpeg = make_jpeg(seed=2)
    photos = FormPhotos(device, local_offset=lambda: timedelta(0))
    state = capture()
    camera = FakeCamera(picture=jpeg)
    run(state.start(camera))
    closed = []
    notice = run(state.capture(camera, photos, closing=lambda: closed.append(True)))
    assert notice.key == "photo.held" and closed == [True]
    [card] = photos.held
    assert card.sha256 == hashlib.sha256(jpeg).hexdigest()


def test_a_capture_is_checked_like_a_picked_photo(device, clock):
    record_id = device.save_draft(filled_form(clock).to_data())
    photos = FormPhotos(device, record_id=record_id)
    state = capture()
    camera = FakeCamera(picture=b"not an image at all")
    run(state.start(camera))
    notice = run(state.capture(camera, photos))
    assert notice.key == "photo.error.not_a_photo" and notice.is_error
    assert photos.cards == [] and device.photos(record_id) == []


def test_no_camera_or_a_refused_permission_says_so_and_changes_nothing(device):
    for camera, key in (
        (FakeCamera(cameras=[]), "camera.none"),
        (FakeCamera(fail_on="list"), "camera.unavailable"),
    ):
        state = capture()
        assert not run(state.start(camera))
        assert not state.ready and state.notice.key == key and state.notice.is_error
        photos = FormPhotos(device)
        assert run(state.capture(camera, photos)) is None  # nothing to take from
        assert photos.cards == []


def test_a_failed_capture_keeps_the_dialog_and_stores_nothing(device):
    state = capture()
    camera = FakeCamera(picture=make_jpeg(), fail_on="take")
    run(state.start(camera))
    photos = FormPhotos(device)
    closed = []
    notice = run(state.capture(camera, photos, closing=lambda: closed.append(True)))
    assert notice is state.notice and notice.key == "camera.unavailable"
    assert closed == [] and photos.cards == [] and not state.busy
