"""Thumbnails of stored photos for the console, made in memory (never written to disk)."""

import io

from .errors import ServerError


class PhotoNotShown(ServerError):
    """This photo can't be shown as an image."""

    status_code = 422


def thumbnail_jpeg(data: bytes, *, max_px: int) -> bytes:
    """A JPEG at most `max_px` on its longer side, turned upright per its EXIF orientation."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (max_px, max_px))  # JPEG: decode at a reduced scale
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail((max_px, max_px))
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=80)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoNotShown() from exc
    return out.getvalue()
