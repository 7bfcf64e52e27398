"""Thumbnails of stored photos for the console, made in memory (never written to disk).

Decoding is bounded (pixels, and how many at once) by sync.photo_decoding, the same code
the device uses: a photo an enrolled device sent is not trusted to be small.
"""

from sync.photo_decoding import PhotoRefused, PhotoTooManyPixels
from sync.photo_decoding import thumbnail_jpeg as bounded_thumbnail

from .errors import ServerError


class PhotoNotShown(ServerError):
    """This photo can't be shown as an image."""

    status_code = 422


def thumbnail_jpeg(data: bytes, *, max_px: int) -> bytes:
    """A JPEG at most `max_px` on its longer side, turned upright per its EXIF orientation."""
    try:
        return bounded_thumbnail(data, max_px=max_px)
    except PhotoTooManyPixels as exc:
        raise PhotoNotShown(f"this photo can't be shown: {exc}") from exc
    except PhotoRefused as exc:
        raise PhotoNotShown() from exc
