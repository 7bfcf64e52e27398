"""Where the app finds its assets."""

from pathlib import Path

# `assets/` sits beside the `fieldapp` package both in the repository and in the
# bundle `flet build` makes (it copies the app root: main.py, assets/, packages).
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
