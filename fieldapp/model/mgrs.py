"""MGRS grid references ⇄ WGS84 latitude/longitude, with pygeodesy (pure Python, runs on phones)."""

import re

from .errors import FieldError, InvalidObservation

MGRS_FIELD = "location.mgrs"
# Zone 1-60, latitude band C-X (no I, O), 100 km square (column A-Z, row A-V, no I, O), then digits.
_MGRS_FORM = re.compile(r"^(\d{1,2})([C-HJ-NP-X])([A-HJ-NP-Z][A-HJ-NP-V])(\d{0,10})$")
_EXAMPLE = "33R XQ 51482 52856"


def _bad(reason: str) -> InvalidObservation:
    return InvalidObservation([FieldError(MGRS_FIELD, reason)])


def to_mgrs(lat: float, lon: float, *, digits: int = 5) -> str:
    """A grid reference like "33R XQ 51482 52856" (`digits` each way: 5 = 1 m squares, 4 = 10 m...).

    Digits are truncated, not rounded, as MGRS requires: the reference names the square the point is in.
    """
    from pygeodesy.utm import toUtm8  # lazy: keeps `import fieldapp.model` fast

    if not (-80.0 <= lat < 84.0 and -180.0 <= lon <= 180.0):
        # MGRS proper stops at 80°S/84°N; the poles use UPS, which no monitor here needs.
        raise _bad("MGRS covers latitudes 80°S to 84°N only")
    if not 0 <= digits <= 5:
        raise ValueError("MGRS references have 0 to 5 digits each way")
    try:
        return toUtm8(lat, lon).toMgrs().toStr(prec=digits - 5, sep=" ")  # pygeodesy's prec counts from 1 m
    except (ValueError, TypeError, ArithmeticError) as exc:  # pygeodesy's errors derive from these
        raise _bad("has no MGRS reference") from exc


def normalize_mgrs(text: str) -> str:
    """The reference in the spaced upper-case form pygeodesy and people read."""
    if not isinstance(text, str) or not text.strip():
        raise _bad(f"must be a grid reference like {_EXAMPLE}")
    parts = text.upper().split()
    if len(parts) >= 2 and parts[-1].isdigit() and parts[-2].isdigit() and len(parts[-1]) != len(parts[-2]):
        raise _bad("easting and northing must have the same number of digits")
    match = _MGRS_FORM.match("".join(parts))
    if not match:
        raise _bad(f"must be a grid reference like {_EXAMPLE}")
    zone, band, square, digits = match.groups()
    if not 1 <= int(zone) <= 60:
        raise _bad("grid zone must be between 1 and 60")
    if len(digits) % 2:
        raise _bad("easting and northing must have the same number of digits")
    half = len(digits) // 2
    return f"{int(zone)}{band} {square} {digits[:half]} {digits[half:]}".strip()


def from_mgrs(text: str) -> tuple[float, float]:
    """(lat, lon) of the centre of the grid square a reference names."""
    from pygeodesy.mgrs import parseMGRS  # lazy, as above

    spaced = normalize_mgrs(text)
    try:
        point = parseMGRS(spaced).toLatLon(center=True)
    except (ValueError, TypeError, ArithmeticError) as exc:  # pygeodesy's errors derive from these
        raise _bad("is not a valid grid reference for that zone and band") from exc
    return round(point.lat, 6) + 0.0, round(point.lon, 6) + 0.0
