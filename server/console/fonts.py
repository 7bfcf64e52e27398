"""Arabic text in the console without a font CDN.

Observers may write in Arabic. Flutter's web engine draws glyphs its bundled Roboto lacks
with Noto fallback fonts it downloads from `fontFallbackBaseUrl`; with `no_cdn` Flet points
that at `<mount>/assets/fonts/`, where flet-web ships no Noto fonts, so Arabic came out as
empty boxes. This route answers Flutter's requests for Noto Sans Arabic (whatever version
path it asks for) with the font the repository already ships for the observer app
(assets/fonts/NotoSansArabic-Regular.ttf, SIL Open Font License).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from .geo import ASSETS_DIR

ARABIC_FONT = ASSETS_DIR / "fonts" / "NotoSansArabic-Regular.ttf"


def fallback_font_router(*, mount_path: str, font: Path = ARABIC_FONT) -> APIRouter:
    router = APIRouter()

    @router.get(f"{mount_path}/assets/fonts/notosansarabic/{{rest:path}}", include_in_schema=False)
    def noto_sans_arabic(rest: str) -> FileResponse:
        del rest  # any version path Flutter asks for: the same shipped file
        return FileResponse(font, media_type="font/ttf", headers={"Cache-Control": "public, max-age=86400"})

    return router
