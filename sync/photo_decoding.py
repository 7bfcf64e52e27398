"""Decoding photos within bounds: thumbnails and EXIF for the device and the console alike.

A PNG of 12,000 × 12,000 black pixels is 136 KiB on disk and 144 MB once decoded, and the
photos a device holds (or an enrolled device sends) are not to be trusted that far. So a
picture is measured from its header first and refused when what would be decoded is larger
than `MAX_DECODED_PIXELS`; a JPEG is decoded at the reduced scale a thumbnail needs (1/2, 1/4
or 1/8), which keeps a camera's 50-megapixel photo welcome.

Decoding runs on `DECODE_THREADS` threads of its own (per process); callers wait for them.
A semaphore would bound the decodes in flight but not the memory: glibc gives each thread
that allocates its own arena and keeps what was freed there, so six request threads that
each decoded once hold six decodes' worth (measured: 51 MiB against 24 for two threads, in
tests/photos/test_photo_bounds.py). Pillow is imported only when a photo is decoded.
"""

import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .errors import SyncError

if TYPE_CHECKING:
    from PIL import Image

# 25 megapixels: at most 75 MB of RGB (100 MB RGBA) per decode; a phone's full-size PNG
# screenshot is 3, a 12-megapixel camera JPEG decodes at 1/8 scale for a thumbnail.
MAX_DECODED_PIXELS = 25_000_000
DECODE_THREADS = 2
THUMBNAIL_QUALITY = 80
# No thread starts until the first photo is decoded.
_DECODERS = ThreadPoolExecutor(max_workers=DECODE_THREADS, thread_name_prefix="photo-decode")


class PhotoRefused(SyncError):
    """This photo can't be read as an image."""


class PhotoTooManyPixels(PhotoRefused):
    """This photo has more pixels than can be decoded safely."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        super().__init__(
            f"it is {width} × {height} pixels, more than the {MAX_DECODED_PIXELS // 1_000_000} "
            "megapixels that can be decoded safely"
        )


def thumbnail_jpeg(data: bytes, *, max_px: int) -> bytes:
    """A JPEG at most `max_px` on its longer side, upright per its EXIF orientation.

    Raises PhotoTooManyPixels (before decoding anything) or PhotoRefused.
    """
    return _DECODERS.submit(_thumbnail, data, max_px).result()


def read_exif(data: bytes) -> "Image.Exif":
    """The photo's EXIF, decoding no pixels when the format allows (JPEG; a PNG whose eXIf
    chunk comes before its pixels); otherwise within the same bound as a thumbnail."""
    return _DECODERS.submit(_exif, data).result()


def _thumbnail(data: bytes, max_px: int) -> bytes:
    from PIL import ImageOps

    with _opened(data) as image:
        full_size = image.size
        image.draft("RGB", (max_px, max_px))  # JPEG: pick the decoding scale; others: no-op
        _check_pixels(image.size, full_size)
        try:
            image.thumbnail((max_px, max_px))  # decode, then shrink in place: one full-size buffer
            small = ImageOps.exif_transpose(image).convert("RGB")
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
        except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt pixel data
            raise PhotoRefused() from exc
    return out.getvalue()


def _exif(data: bytes) -> "Image.Exif":
    with _opened(data) as image:
        if image.format != "JPEG" and "exif" not in image.info:
            # Pillow decodes a PNG whole to look for an eXIf chunk after the pixel data.
            _check_pixels(image.size, image.size)
        return _exif_of(image)


@contextmanager
def _opened(data: bytes) -> Iterator["Image.Image"]:
    """Pillow's image over `data`: only the header is read; any failure is PhotoRefused."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoRefused() from exc
    with image:
        yield image


def _check_pixels(decoded: tuple[int, int], full: tuple[int, int]) -> None:
    """Refuse what would decode to more than MAX_DECODED_PIXELS (at the scale draft chose);
    the message names the photo's own size."""
    if decoded[0] * decoded[1] > MAX_DECODED_PIXELS:
        raise PhotoTooManyPixels(*full)


def _exif_of(image: "Image.Image") -> "Image.Exif":
    try:
        return image.getexif()
    except (OSError, ValueError, SyntaxError, KeyError, TypeError) as exc:
        raise PhotoRefused() from exc
