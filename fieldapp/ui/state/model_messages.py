"""The model's field messages (English sentences) in the chosen language.

The model words its messages for people ("must be between -90 and 90"); the form
shows them beside fields. Known shapes are matched here and translated with their
numbers kept; anything unforeseen is shown as the model wrote it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldapp.ui.i18n import Translator

# (pattern, translation key) — named groups become the translation's values.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^is required$", "model.required"),
        (r"^is required when the location was picked from the place list$", "model.place_required"),
        (r"^must be between (?P<low>-?[\d.]+) and (?P<high>-?[\d.]+)$", "model.between"),
        (r"^must be (?P<low>-?[\d.]+) or more$", "model.at_least"),
        (r"^must be at most (?P<limit>\d+) characters$", "model.max_chars"),
        (r"^must be at most (?P<high>-?[\d.]+)$", "model.at_most"),
        (r"^must be more than 0 and at most (?P<high>[\d.]+)$", "model.positive_at_most"),
        (r"^must be one of: .*$", "model.one_of"),
        (r"^must be a whole number$", "model.whole_number"),
        (r"^must be a (finite )?number$", "model.number"),
        (r"^must not be more than (?P<minutes>\d+) minutes after this device's clock$", "model.future"),
        (r"^must not be before the year 2000$", "model.too_old"),
        (r"^must be a grid reference like .*$", "model.mgrs_form"),
        (r"^MGRS covers latitudes .*$", "model.mgrs_range"),
        (r"^grid zone must be between 1 and 60$", "model.mgrs_zone"),
        (r"^easting and northing must have the same number of digits$", "model.mgrs_digits"),
        (r"^is not a valid grid reference for that zone and band$", "model.mgrs_invalid"),
        (r"^must not be empty$", "model.not_empty"),
        (r"^is not valid$", "model.not_valid"),
    )
)


def translate_model_message(text: str, translator: Translator) -> str:
    for pattern, key in PATTERNS:
        match = pattern.match(text)
        if match and translator.has(key):
            return translator.t(key, **match.groupdict())
    return text
