"""Colours, fonts and sizes of the basemap (one place, so tiles and static maps agree)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from PIL import ImageFont

from sync.assets import ASSETS_DIR

SEA = "#c9dde8"
LAND = "#f3efe3"
FOCUS = "#ebe3c9"  # Libya, the mission's country
BORDER = "#8c7f62"
COAST = "#7d97a6"
GRID = (90, 110, 130, 90)
GRID_TEXT = (70, 85, 100, 255)
TOWN = "#3b3b3b"
LABEL_HALO = (255, 255, 255, 215)
COUNTRY_TEXT = (110, 96, 70, 255)
LAYER_LINE = "#c2185b"  # the mission's own layers: magenta stands out on sand and sea
LAYER_FILL = (194, 24, 91, 40)
REGISTER_LINE = "#6a1b9a"
REGISTER_FILL = (106, 27, 154, 32)

# Latin text: Noto Sans (the server's PDF font, package fontpkg-noto-sans, SIL OFL);
# Arabic: the Noto Sans Arabic the repository ships (assets/fonts).
LATIN_FONT = Path(str(resources.files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf"))
ARABIC_FONT = ASSETS_DIR / "fonts" / "NotoSansArabic-Regular.ttf"


@cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    face = ImageFont.truetype(str(LATIN_FONT), size)
    face.set_variation_by_name("Bold" if bold else "Regular")
    return face


@cache
def arabic_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(ARABIC_FONT), size)
