"""Every UI string in both languages: same keys, same placeholders, and every key the code uses."""

import json
import re
import string
from pathlib import Path

import pytest

from fieldapp.model import CERTAINTIES, DETAIL_FIELDS, KINDS, LOCATION_SOURCES, OBSERVED_BY
from fieldapp.services import STATES
from fieldapp.ui.i18n import LANGUAGES, Translator, load_catalogue
from fieldapp.ui.paths import ASSETS_DIR
from fieldapp.ui.state.home import TABS
from fieldapp.ui.state.model_messages import PATTERNS
from fieldapp.ui.state.observation_form import LOCATION_MODES

UI_DIR = Path(__file__).resolve().parents[2] / "fieldapp" / "ui"
CATALOGUES = {language: load_catalogue(language) for language in LANGUAGES}
PREFIXES = sorted({key.split(".")[0] for key in CATALOGUES["en"]})


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_exactly_the_same_keys():
    en, ar = CATALOGUES["en"], CATALOGUES["ar"]
    assert sorted(set(en) - set(ar)) == []
    assert sorted(set(ar) - set(en)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_empty_strings_and_placeholders_match_english(language):
    for key, text in CATALOGUES[language].items():
        assert text.strip(), key
        assert placeholders(text) == placeholders(CATALOGUES["en"][key]), key


def test_arabic_is_really_translated():
    ar = CATALOGUES["ar"]
    arabic = [key for key, text in ar.items() if re.search("[\u0600-\u06ff]", text)]
    assert len(arabic) / len(ar) > 0.85


def literal_keys_in_code():
    """Quoted strings in fieldapp/ui that look like catalogue keys (prefix.rest)."""
    prefixes = "|".join(map(re.escape, PREFIXES))
    pattern = re.compile(rf'"((?:{prefixes})\.[a-z0-9_.]+)"')
    found = set()
    for path in UI_DIR.rglob("*.py"):
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def dynamic_keys():
    """Keys the code builds from the model's vocabularies (f"kind.{kind}" and the like)."""
    keys = {f"kind.{k}" for k in KINDS} | {f"kind_hint.{k}" for k in KINDS}
    keys |= {f"state.{s}" for s in STATES}
    keys |= {f"tab.{t}" for t in TABS} | {f"home.empty.{t}" for t in TABS}
    keys |= {f"form.location.{m}" for m in LOCATION_MODES}
    keys |= {f"detail.source.{s}" for s in LOCATION_SOURCES}
    keys |= {f"choice.observed_by.{v}" for v in OBSERVED_BY} | {f"choice.certainty.{v}" for v in CERTAINTIES}
    keys |= {"choice.yes_no.yes", "choice.yes_no.no"}
    keys |= {f"photo.state.{s}" for s in ("pending", "uploading", "done")}
    for specs in DETAIL_FIELDS.values():
        for spec in specs:
            keys.add(f"field.{spec.name}")
            for value in (spec.choices or ()) + (spec.subfields or ()):
                keys.add(f"choice.{spec.name}.{value}")
    keys |= {
        f"field.{name}" for name in ("observed_by", "certainty", "description", "controlling_side", "place")
    }
    keys |= {key for _, key in PATTERNS}
    places = json.loads((ASSETS_DIR / "places.json").read_text(encoding="utf-8"))["places"]
    keys |= {f"place_type.{place['type']}" for place in places}
    return keys


def test_every_key_the_code_uses_exists():
    used = literal_keys_in_code() | dynamic_keys()
    assert len(used) > 250
    missing = sorted(key for key in used if key not in CATALOGUES["en"])
    assert missing == []


def test_the_code_finds_keys_to_check():
    # guards the scan above: a few keys certainly used as literals
    assert {"setup.create", "unlock.wrong", "sync.pending", "form.error.number"} <= literal_keys_in_code()


def test_translator_fills_values_and_shows_unknown_keys_as_is():
    ar = Translator.load("ar")
    assert ar.rtl and not Translator.load("en").rtl
    assert ar.t("sync.pending", count=4) == "4 قيد الانتظار"
    assert ar.t("no.such.key") == "no.such.key"
    assert Translator.load("xx").language == "en"
