"""Take photo with the camera, in Chromium with its fake camera device: the picture is hashed at
capture as a picked photo is, shown under that hash, and sealed into the draft under it."""

import hashlib
import io
import re

import pytest
from PIL import Image

from fieldapp.services import unlock_device
from tests.browser.conftest import CHROMIUM_ARGS

pytestmark = pytest.mark.browser

PASSPHRASE = "tinned peaches at dawn"


@pytest.fixture(scope="module")
def chromium_args():
    # a fake camera (a moving test pattern) and no permission prompt: the camera is allowed
    return [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(scope="module")
def permissions():
    return ["geolocation", "camera"]


def shown_hash(phone) -> str:
    """The short hash of the only photo on the form, as its tile shows it."""
    tile = phone.page.locator('[flt-semantics-identifier^="photo-hash-"]').first
    tile.wait_for(timeout=30_000)
    identifier = tile.get_attribute("flt-semantics-identifier")
    return re.fullmatch(r"photo-hash-([0-9a-f]{12})", identifier).group(1)


def test_a_photo_taken_with_the_camera_is_hashed_at_capture_and_stored_with_the_draft(phone, app_data_dir):
    phone.wait("setup-passphrase", timeout=60_000)
    phone.type("setup-passphrase", PASSPHRASE)
    phone.type("setup-confirm", PASSPHRASE)
    phone.tap("setup-create")
    phone.tap("enroll-later")
    phone.tap("new-observation")
    phone.tap("kind-unit_movement")
    phone.wait("form-save")

    phone.reveal("photo-camera")
    phone.tap("photo-camera")
    phone.wait("camera-preview")
    phone.gone("camera-notice", timeout=30_000)  # "Starting the camera…" gone: it is running
    phone.screenshot("app-13-camera")
    phone.tap("camera-capture")
    phone.gone("camera-capture")
    short = shown_hash(phone)
    # a draft needs only its kind (issue 13): saved first, the photo stored with it at once
    assert "saved first" in phone.wait_text("photo-notice", "saved first")

    phone.tap("loc-place")
    phone.type("place-search", "sirt")
    phone.tap("place-sirte")
    phone.type("form-description", "Column of technicals heading east")
    phone.choose("form-observed-by", "Saw it")
    phone.choose("form-certainty", "Confirmed")
    phone.type("detail-unit", "Brigade 166")
    phone.tap("form-save")
    phone.wait("new-observation")

    with unlock_device(app_data_dir, PASSPHRASE) as device:
        [draft] = device.list_page(("draft",)).items
        [photo] = device.photos(draft.id)
        data = device.read_photo(draft.id, photo.sha256)
    assert photo.sha256.startswith(short)  # the hash shown at capture is the stored one
    assert hashlib.sha256(data).hexdigest() == photo.sha256
    assert photo.name.startswith("camera-") and photo.name.endswith(".jpg")
    with Image.open(io.BytesIO(data)) as image:  # a real picture from the (fake) camera
        assert image.format == "JPEG" and image.size[0] >= 320
