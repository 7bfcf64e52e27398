"""Colours and fonts. The Arabic font ships in assets/fonts so Arabic renders offline."""

import flet as ft

ARABIC_FONT = "NotoSansArabic"
FONTS = {ARABIC_FONT: "fonts/NotoSansArabic-Regular.ttf"}
SEED_COLOUR = "#1F5C4D"  # the icon's green

# Smallest comfortable touch target (Material guidance: 48 dp).
TOUCH = 48


def apply_theme(page: ft.Page, *, rtl: bool) -> None:
    """Fonts, colours and text direction for the chosen language."""
    page.fonts = FONTS
    # Arabic text uses the shipped Noto font; Latin glyphs in Arabic mode (numbers,
    # MGRS, place names) fall back to the Roboto the web client bundles.
    page.theme = ft.Theme(color_scheme_seed=SEED_COLOUR, font_family=ARABIC_FONT if rtl else None)
    page.theme_mode = ft.ThemeMode.LIGHT
    page.rtl = rtl
