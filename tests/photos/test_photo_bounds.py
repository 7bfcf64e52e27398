"""Decoding photos within bounds on the device (issue 10, point 8): a picture whose pixels
would not fit in memory is refused from its header, before any decoding, and decoding runs a
few at a time. The console's side: tests/console/test_console_photo_bounds.py."""

from io import BytesIO

import pytest
from PIL import Image

from fieldapp.services import PhotoUnreadable, photo_hints, thumbnail

from .decoding_probe import assert_a_few_at_a_time, bomb_file, noise_png_file, probe
from .photo_files import make_jpeg, make_png


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return bomb_file(tmp_path_factory.mktemp("bomb"))


def test_a_decompression_bomb_is_refused_without_decoding_it(bomb):
    data = bomb.read_bytes()
    with pytest.raises(PhotoUnreadable, match="12000 × 12000"):
        thumbnail(data)
    assert photo_hints(data).empty


@pytest.mark.parametrize(
    ("call", "outcome"), [("device-thumbnail", "PhotoUnreadable"), ("device-hints", "ok")]
)
def test_refusing_a_decompression_bomb_costs_a_few_mib(bomb, call, outcome):
    measured = probe(call, bomb)
    assert measured["outcomes"] == [outcome]
    assert measured["grown_mib"] < 8, measured


def test_a_large_but_honest_jpeg_still_gets_a_thumbnail():
    """The bound is on what is decoded: a JPEG is decoded at 1/8 scale for a thumbnail, so a
    camera's 48-megapixel photo stays welcome."""
    big = BytesIO()
    Image.new("RGB", (8000, 6000), (120, 60, 30)).save(big, "JPEG", quality=70)
    assert Image.open(BytesIO(thumbnail(big.getvalue(), max_px=320))).size == (320, 240)
    assert not photo_hints(make_jpeg()).empty and photo_hints(make_png()).taken_at is not None


def test_thumbnails_are_made_a_few_at_a_time(tmp_path):
    assert_a_few_at_a_time("device-thumbnail", noise_png_file(tmp_path))
