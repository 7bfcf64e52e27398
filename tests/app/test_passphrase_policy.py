import pytest

from fieldapp.services.passphrase_policy import check_new_passphrase, check_passphrase


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "passphrase.reason.empty"),
        ("abc12", "passphrase.reason.short"),
        ("nine char", "passphrase.reason.short"),
        ("aaaaaaaaaaaa", "passphrase.reason.pattern"),
        ("1234567890", "passphrase.reason.pattern"),
        ("abcdefghijkl", "passphrase.reason.pattern"),
        ("qwertyuiop", "passphrase.reason.pattern"),
        ("abcabcabcabc", "passphrase.reason.pattern"),
        ("Password1234", "passphrase.reason.pattern"),
        ("ababababcc", "passphrase.reason.few_characters"),
        ("aabbaabbaabb", "passphrase.reason.pattern"),
        ("aabbccaabbcc", "passphrase.reason.pattern"),
        ("abcdabcdaaab", "passphrase.reason.few_characters"),
    ],
)
def test_weak_passphrases_are_refused_with_the_reason(text, reason):
    verdict = check_passphrase(text)
    assert not verdict.acceptable
    assert verdict.reason == reason
    assert verdict.strength == "strength.weak"


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("tinned peaches", "strength.fair"),
        ("tinned peaches at dawn", "strength.strong"),
        ("Sirte-Jufra 2020!", "strength.strong"),
    ],
)
def test_good_passphrases_pass_with_a_strength_hint(text, strength):
    verdict = check_passphrase(text)
    assert verdict.acceptable, verdict.reason
    assert verdict.strength == strength
    assert 0.5 <= verdict.score <= 1.0


def test_confirmation_must_match():
    assert (
        check_new_passphrase("tinned peaches at dawn", "tinned peaches at dusk")
        == "passphrase.reason.mismatch"
    )
    assert check_new_passphrase("tinned peaches at dawn", "tinned peaches at dawn") is None
    # the policy is checked before the confirmation
    assert check_new_passphrase("short", "short") == "passphrase.reason.short"


def test_the_command_lines_sentences_are_the_apps_english_ones():
    import json

    from fieldapp.services.passphrase_policy import REASON_TEXT
    from sync.assets import ASSETS_DIR

    english = json.loads((ASSETS_DIR / "i18n" / "en.json").read_text(encoding="utf-8"))
    assert {key: english[key] for key in REASON_TEXT} == REASON_TEXT
