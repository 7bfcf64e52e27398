"""Bidi-correct text for a layout of either direction (Unicode Bidirectional Algorithm, UAX #9).

Flutter lays each Text out as one paragraph in the layout's direction. Text of the other
direction inside it reads right on its own letters, but the neutrals around it (a question
mark, parentheses, the comma and space between two coordinates) take the paragraph's
direction, so "Which direction?" shows as "?Which direction" in the Arabic layout and
"31.19000, 16.62000" as "16.62000 ,31.19000". Isolating each run of the other direction
(LRI/RLI … PDI, Unicode 6.3) keeps it as written; Flutter's text shaper honours them.
"""

from __future__ import annotations

import re
import unicodedata

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_OPENERS = (LRI, RLI, FSI)
# A group of numbers with separators between them (coordinates, "12 345"): in a right-to-left
# paragraph the separators would take its direction and swap the numbers.
_NUMBER_GROUP = re.compile(r"[-+]?\d+(?:[.,:/-]\d+)*(?:(?:, ?| )[-+]?\d+(?:[.,:/-]\d+)*)+")
COORDINATE_DECIMALS = 5


def _strength(ch: str) -> str:
    """L (left-to-right letter), R (right-to-left letter), N (number) or "" (neutral, weak)."""
    kind = unicodedata.bidirectional(ch)
    if kind == "L":
        return "L"
    if kind in ("R", "AL"):
        return "R"
    if kind in ("EN", "AN"):
        return "N"
    return ""


def ltr(text: str) -> str:
    """Text that must read left to right whatever the layout (numbers, coordinates, ids)."""
    return f"{LRI}{text}{PDI}" if text else text


def coordinates(lat: float, lon: float) -> str:
    """A point as "31.19000, 16.62000", always left to right."""
    return ltr(f"{lat:.{COORDINATE_DECIMALS}f}, {lon:.{COORDINATE_DECIMALS}f}")


def _segments(text: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, already isolated?) pieces; an unclosed isolate runs to the end."""
    pieces: list[tuple[str, bool]] = []
    start = i = 0
    while i < len(text):
        if text[i] in _OPENERS:
            if i > start:
                pieces.append((text[start:i], False))
            depth, j = 0, i
            while j < len(text):
                if text[j] in _OPENERS:
                    depth += 1
                elif text[j] == PDI:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            pieces.append((text[i : j + 1], True))
            start = i = j + 1
        else:
            i += 1
    if start < len(text):
        pieces.append((text[start:], False))
    return pieces


def isolate_runs(text: str, *, rtl: bool) -> str:
    """`text` with each run of the direction opposite to the layout's isolated (and, in a
    right-to-left layout, each number group with separators). Already isolated parts stay."""
    if not text:
        return text
    own, other = ("R", "L") if rtl else ("L", "R")
    opener = LRI if rtl else RLI
    pieces = _segments(text)
    loose = "".join(piece for piece, isolated in pieces if not isolated)
    strengths = {_strength(ch) for ch in loose}
    if own not in strengths and other in strengths:
        return f"{opener}{text}{PDI}"  # all of it is the other direction: one run, its punctuation with it
    out = []
    for piece, isolated in pieces:
        out.append(piece if isolated else _isolate_in(piece, own, other, opener, rtl))
    return "".join(out)


def _isolate_in(piece: str, own: str, other: str, opener: str, rtl: bool) -> str:
    out: list[str] = []
    i = 0
    while i < len(piece):
        if _strength(piece[i]) != other:
            match = _NUMBER_GROUP.match(piece, i) if rtl else None
            if match is not None and (i == 0 or not piece[i - 1].isdigit()):
                out.append(ltr(match.group()))
                i = match.end()
                continue
            out.append(piece[i])
            i += 1
            continue
        j = i
        while j < len(piece) and _strength(piece[j]) != own:
            j += 1
        end = j  # trailing neutrals belong to the surrounding text (its own punctuation)
        while end > i and _strength(piece[end - 1]) not in (other, "N"):
            end -= 1
        out.append(f"{opener}{piece[i:end]}{PDI}")
        i = end
    return "".join(out)
