"""Text in the server's PDFs (evidence summaries, situation reports): the embedded fonts and
HarfBuzz shaping, shared so that every PDF draws Arabic and Latin alike.

fpdf2 lays out; uharfbuzz shapes, so Arabic letters join and the bidirectional algorithm orders
mixed runs. Fonts: Noto Sans Arabic (assets/fonts, SIL OFL 1.1) and Noto Sans for Latin, Greek
and Cyrillic from the pinned `fontpkg-noto-sans` wheel (SIL OFL 1.1, unmodified upstream
binaries), embedded as subsets. A character neither font can draw is shown as U+FFFD rather
than silently left out.
"""

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

from sync.assets import ASSETS_DIR

ARABIC_FONT = ASSETS_DIR / "fonts" / "NotoSansArabic-Regular.ttf"
# A variable font whose default instance is Regular (wght 400, wdth 100): embedded as it is,
# since instancing it costs about 2.4 s per PDF here and viewers draw the default outlines.
LATIN_FONT = Path(str(resources.files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf"))
REPLACEMENT = "\ufffd"
# Direction isolates (LRI, RLI, FSI, PDI) and marks: HarfBuzz's bidi pass reads them, no glyph.
DIRECTION_CONTROLS = frozenset((0x200E, 0x200F, 0x2066, 0x2067, 0x2068, 0x2069))
STAND_INS = {"\t": " ", "→": "->"}  # Noto Sans has no arrow

Printable = Callable[[str], str]


def set_up_text(pdf: FPDF, *, right_to_left: bool) -> tuple[str, Printable]:
    """Add both fonts, the fallback and shaping in the document's direction; the main font's
    family and the function that makes any text drawable."""
    pdf.add_font("latin", fname=str(LATIN_FONT))
    pdf.add_font("arabic", fname=str(ARABIC_FONT))
    main, fallback = ("arabic", "latin") if right_to_left else ("latin", "arabic")
    drawable = _drawable(pdf, ("latin", "arabic"))
    pdf.set_fallback_fonts([fallback])
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if right_to_left else "ltr")
    return main, lambda text: printable(text, drawable)


def _drawable(pdf: FPDF, families: tuple[str, ...]) -> frozenset[int]:
    codepoints: set[int] = {ord("\n"), *DIRECTION_CONTROLS}
    for family in families:
        font = pdf.fonts[family]
        assert isinstance(font, TTFFont)
        codepoints.update(font.cmap)
    return frozenset(codepoints)


def printable(text: str, drawable: frozenset[int]) -> str:
    text = "".join(STAND_INS.get(c, c) for c in text)
    return "".join(c if ord(c) in drawable else REPLACEMENT for c in text)
