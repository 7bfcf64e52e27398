"""Real test photos made with Pillow: random noise (so JPEG can't shrink it much), with a
marker string in the EXIF description and the JPEG comment, and EXIF time and GPS."""

import io
import random
from fractions import Fraction

from PIL import ExifTags, Image, TiffImagePlugin

MARKER = b"FIELDAPP-PHOTO-MARKER-7d1c"
TAKEN_AT = "2025:05:01 09:58:00"
TAKEN_OFFSET = "+02:00"
GPS = ((31, 12, 36), "N", (16, 35, 24), "E")  # 31.21 N, 16.59 E (Sirte)


def _rational(value: float) -> TiffImagePlugin.IFDRational:
    fraction = Fraction(value).limit_denominator(10_000)
    return TiffImagePlugin.IFDRational(fraction.numerator, fraction.denominator)


def exif_block(*, with_gps: bool = True, with_time: bool = True, offset: str | None = TAKEN_OFFSET) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = MARKER.decode()
    details = exif.get_ifd(ExifTags.IFD.Exif)
    if with_time:
        details[ExifTags.Base.DateTimeOriginal] = TAKEN_AT
        if offset:
            details[ExifTags.Base.OffsetTimeOriginal] = offset
    if with_gps:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        lat, lat_ref, lon, lon_ref = GPS
        gps[ExifTags.GPS.GPSLatitudeRef] = lat_ref
        gps[ExifTags.GPS.GPSLatitude] = tuple(_rational(v) for v in lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = lon_ref
        gps[ExifTags.GPS.GPSLongitude] = tuple(_rational(v) for v in lon)
        gps[ExifTags.GPS.GPSHPositioningError] = _rational(6.5)
    return exif.tobytes()


def noise_image(width: int, height: int, seed: int) -> Image.Image:
    return Image.frombytes("RGB", (width, height), random.Random(seed).randbytes(width * height * 3))


def make_jpeg(*, width: int = 320, height: int = 240, seed: int = 1, **exif_options) -> bytes:
    """A real JPEG of noise, with the marker in its EXIF and comment."""
    out = io.BytesIO()
    noise_image(width, height, seed).save(
        out, "JPEG", quality=95, exif=exif_block(**exif_options), comment=MARKER
    )
    return out.getvalue()


def make_big_jpeg(target_bytes: int = 5 * 1024 * 1024, seed: int = 7) -> bytes:
    """A JPEG of about `target_bytes` (noise at quality 95 is ~1.2 bytes per pixel)."""
    pixels = int(target_bytes / 1.17)
    width = int((pixels * 4 / 3) ** 0.5)
    return make_jpeg(width=width, height=pixels // width, seed=seed)


def make_png(*, width: int = 64, height: int = 48, seed: int = 2) -> bytes:
    out = io.BytesIO()
    noise_image(width, height, seed).save(out, "PNG", exif=exif_block(with_gps=False))
    return out.getvalue()


def distinctive_run(data: bytes, length: int = 64) -> bytes:
    """A run of the image's bytes from its middle (entropy-coded noise: found nowhere else)."""
    middle = len(data) // 2
    return data[middle : middle + length]


def make_png_bomb(width: int = 12_000, height: int = 12_000) -> bytes:
    """A valid grey PNG of width × height pixels, all black: ~136 KiB at 12,000 × 12,000,
    144 MB once decoded. Written row by row through zlib, so making it costs no memory."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    squeeze = zlib.compressobj(9)
    row = bytes(width + 1)  # filter byte 0, then one zero byte per pixel
    idat = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
