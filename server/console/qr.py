"""QR codes for enrolment codes, made in memory (segno, pure Python): nothing touches disk."""

import io

import segno


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """A PNG of `text` as a QR code with error correction M and a quiet zone a phone can read."""
    qr = segno.make_qr(text, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
