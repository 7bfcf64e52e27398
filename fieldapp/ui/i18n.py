"""Translations: one JSON catalogue per language in assets/i18n/, keys shared by all.

Every string the app shows goes through `Translator.t(key, **values)`; values are
filled with `str.format`. A missing key shows the key itself (visible in review,
and the completeness test catches it before that).
"""

import json
from dataclasses import dataclass
from pathlib import Path

from fieldapp.ui.bidi import isolate_runs
from fieldapp.ui.paths import ASSETS_DIR

# code -> (name shown in the picker, in its own script; right-to-left?)
LANGUAGES: dict[str, tuple[str, bool]] = {"en": ("English", False), "ar": ("العربية", True)}
DEFAULT_LANGUAGE = "en"


def catalogue_path(language: str, assets_dir: Path = ASSETS_DIR) -> Path:
    return assets_dir / "i18n" / f"{language}.json"


def load_catalogue(language: str, assets_dir: Path = ASSETS_DIR) -> dict[str, str]:
    with catalogue_path(language, assets_dir).open(encoding="utf-8") as handle:
        strings: dict[str, str] = json.load(handle)
    return strings


@dataclass(frozen=True)
class Translator:
    """The strings of one language."""

    language: str
    strings: dict[str, str]

    @classmethod
    def load(cls, language: str, assets_dir: Path = ASSETS_DIR) -> "Translator":
        if language not in LANGUAGES:
            language = DEFAULT_LANGUAGE
        return cls(language, load_catalogue(language, assets_dir))

    @property
    def rtl(self) -> bool:
        return LANGUAGES[self.language][1]

    def t(self, key: str, **values: object) -> str:
        """The string for `key` with `values` filled in; in either layout each run of the
        other direction is isolated (fieldapp.ui.bidi), so mixed text reads as written."""
        text = self.strings.get(key)
        if text is None:
            return key  # visible in review as it is
        if values:
            try:
                text = text.format(**{name: self.shown(str(value)) for name, value in values.items()})
            except (KeyError, IndexError, ValueError):
                pass
        return self.shown(text)

    def shown(self, text: str) -> str:
        """Text from elsewhere (a record, the verifier, the gazetteer) made bidi-correct for
        this layout."""
        return isolate_runs(text, rtl=self.rtl)

    def has(self, key: str) -> bool:
        return key in self.strings
