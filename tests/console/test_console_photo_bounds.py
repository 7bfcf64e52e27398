"""The console's thumbnails within the same bounds as the device's (issue 10, point 8): a
photo an enrolled device sent is refused from its header when it has too many pixels (422 with
the reason), and thumbnails are decoded a few at a time (sync/photo_decoding.py)."""

from io import BytesIO

import pytest
from PIL import Image

from server.thumbnails import PhotoNotShown, thumbnail_jpeg
from tests.photos.decoding_probe import assert_a_few_at_a_time, bomb_file, noise_png_file, probe


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return bomb_file(tmp_path_factory.mktemp("bomb"))


def test_the_console_refuses_a_decompression_bomb_for_a_few_mib(bomb):
    with pytest.raises(PhotoNotShown, match="12000 × 12000"):
        thumbnail_jpeg(bomb.read_bytes(), max_px=320)
    assert PhotoNotShown.status_code == 422
    measured = probe("server-thumbnail", bomb)
    assert measured["outcomes"] == ["PhotoNotShown"]
    assert measured["grown_mib"] < 8, measured


def test_a_large_jpeg_still_gets_a_console_thumbnail():
    big = BytesIO()
    Image.new("RGB", (8000, 6000), (120, 60, 30)).save(big, "JPEG", quality=70)
    assert Image.open(BytesIO(thumbnail_jpeg(big.getvalue(), max_px=200))).size == (200, 150)


def test_console_thumbnails_are_made_a_few_at_a_time(tmp_path):
    assert_a_few_at_a_time("server-thumbnail", noise_png_file(tmp_path))
