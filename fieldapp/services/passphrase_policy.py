"""The passphrase policy: one verdict for the app's screens and the command line.

The app's first-run and change-passphrase screens show the verdict as it is typed;
`fieldapp init` and `fieldapp passphrase` refuse with `require_acceptable` (issue 13).

The passphrase is the only thing between a seized phone and its reports, and the
KDF makes each guess cost ~100 ms — which only helps if the space is large. So:
at least 10 characters, not one repeated character or a keyboard/alphabet run,
not a well-known password, at least 5 different characters. Reasons and hints are
translation keys, so the screen shows them in the chosen language.
"""

from dataclasses import dataclass

from fieldapp.errors import FieldAppError

MIN_LENGTH = 10
MIN_DISTINCT = 5

# Runs people type when asked for something long; checked on the lower-cased text.
_RUNS = (
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "01234567890123456789",
    "98765432109876543210",
    "qwertyuiopasdfghjklzxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
)
_COMMON = frozenset(
    {
        "password",
        "passphrase",
        "passwort",
        "motdepasse",
        "iloveyou",
        "letmein",
        "welcome",
        "admin",
        "fieldapp",
        "qwerty",
        "monkey",
        "dragon",
        "football",
        "sunshine",
        "princess",
        "trustno1",
        "changeme",
        "secret",
    }
)


# The English sentence for each reason key (the app shows assets/i18n in the chosen
# language; the command line speaks English). A test checks they match en.json.
REASON_TEXT = {
    "passphrase.reason.empty": "Enter a passphrase.",
    "passphrase.reason.short": f"Too short: use at least {MIN_LENGTH} characters.",
    "passphrase.reason.pattern": (
        "Too easy to guess: no repeated characters, keyboard runs or common passwords."
    ),
    "passphrase.reason.few_characters": f"Too few different characters: mix at least {MIN_DISTINCT}.",
}


class WeakPassphrase(FieldAppError):
    """That passphrase is too weak for this device."""


@dataclass(frozen=True)
class PassphraseVerdict:
    """`reason` is None when acceptable; `strength` is a hint key for the meter."""

    reason: str | None
    strength: str  # "strength.weak" | "strength.fair" | "strength.strong"
    score: float  # 0..1 for a progress bar

    @property
    def acceptable(self) -> bool:
        return self.reason is None


def _is_trivial(text: str) -> bool:
    lowered = text.lower()
    if len(set(lowered)) == 1:
        return True
    if any(lowered in run for run in _RUNS):
        return True
    # a short unit repeated ("abcabcabcabc", "12121212121")
    for size in range(1, len(lowered) // 2 + 1):
        unit = lowered[:size]
        if (unit * (len(lowered) // size + 1))[: len(lowered)] == lowered:
            return True
    stripped = "".join(ch for ch in lowered if ch.isalpha())
    return stripped in _COMMON and len(lowered) - len(stripped) <= 4


def _classes(text: str) -> int:
    return sum(
        (
            any(ch.islower() for ch in text),
            any(ch.isupper() for ch in text),
            any(ch.isdigit() for ch in text),
            any(not ch.isalnum() for ch in text),
        )
    )


def check_passphrase(text: str) -> PassphraseVerdict:
    """Is `text` acceptable as a device passphrase, and how strong does it look?"""
    length = len(text)
    score = min(1.0, (length / 20) * 0.7 + (_classes(text) / 4) * 0.3)
    if not text:
        return PassphraseVerdict("passphrase.reason.empty", "strength.weak", 0.0)
    if length < MIN_LENGTH:
        return PassphraseVerdict("passphrase.reason.short", "strength.weak", min(score, 0.3))
    if _is_trivial(text):
        return PassphraseVerdict("passphrase.reason.pattern", "strength.weak", 0.1)
    if len(set(text.lower())) < MIN_DISTINCT:
        return PassphraseVerdict("passphrase.reason.few_characters", "strength.weak", 0.2)
    strength = (
        "strength.strong" if length >= 16 or (length >= 12 and _classes(text) >= 3) else "strength.fair"
    )
    return PassphraseVerdict(None, strength, max(score, 0.5))


def check_new_passphrase(text: str, confirm: str) -> str | None:
    """The reason key to refuse a new passphrase with its confirmation, or None."""
    verdict = check_passphrase(text)
    if not verdict.acceptable:
        return verdict.reason
    if text != confirm:
        return "passphrase.reason.mismatch"
    return None


def require_acceptable(text: str, *, nothing_done: str) -> None:
    """Raise `WeakPassphrase` ("<reason> <nothing_done>") unless the policy accepts `text`."""
    verdict = check_passphrase(text)
    if verdict.reason is not None:
        sentence = REASON_TEXT[verdict.reason].rstrip(".")
        raise WeakPassphrase(f"passphrase refused: {sentence[0].lower()}{sentence[1:]}; {nothing_done}")
