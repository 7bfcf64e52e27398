"""Where the shared data files are: `assets/` at the app root (places.json, geo/, fonts, i18n).

It sits beside the packages both in a checkout (editable install) and in the bundle
`flet build` makes (which copies the app root: main.py, assets/, the packages).
"""

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
