"""Colours and fonts. The Arabic font ships in assets/fonts so Arabic renders offline."""

import flet as ft

ARABIC_FONT = "NotoSansArabic"
FONTS = {ARABIC_FONT: "fonts/NotoSansArabic-Regular.ttf"}
SEED_COLOUR = "#1F5C4D"  # the icon's green

# Smallest comfortable touch target (Material guidance: 48 dp).
TOUCH = 48


_TEXT_STYLES = tuple(ft.TextTheme.__dataclass_fields__)  # body_large ... title_small


def _arabic_fallback() -> ft.TextTheme:
    """Every text style falling back to the shipped Arabic font: offline, the web client has
    no other source of Arabic glyphs (an Arabic place name in the English layout drew boxes)."""
    style = ft.TextStyle(font_family_fallback=[ARABIC_FONT])
    return ft.TextTheme(**{name: style for name in _TEXT_STYLES})


def apply_theme(page: ft.Page, *, rtl: bool) -> None:
    """Fonts, colours and text direction for the chosen language."""
    page.fonts = FONTS
    # Arabic text uses the shipped Noto font; Latin glyphs in Arabic mode (numbers,
    # MGRS, place names) fall back to the Roboto the web client bundles. In English,
    # Roboto first and the Noto font for Arabic names ("Sirte (سرت)").
    if rtl:
        page.theme = ft.Theme(color_scheme_seed=SEED_COLOUR, font_family=ARABIC_FONT)
    else:
        page.theme = ft.Theme(color_scheme_seed=SEED_COLOUR, text_theme=_arabic_fallback())
    page.theme_mode = ft.ThemeMode.LIGHT
    page.rtl = rtl
