"""The fast path of canonical_bytes writes exactly what the RFC 8785 encoder writes."""

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from sync.canonical import canonical_bytes
from sync.errors import ProtocolError

ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=20)
plain = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | ascii_text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(ascii_text, children, max_size=5),
    max_leaves=30,
)
unicode_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20)
any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8), children, max_size=5
        )
    ),
    max_leaves=30,
)


@given(plain)
def test_plain_values_encode_as_rfc8785(value):
    assert canonical_bytes(value) == rfc8785.dumps(value)


@given(any_json)
def test_every_json_value_encodes_as_rfc8785(value):
    assert canonical_bytes(value) == rfc8785.dumps(value)


def test_control_characters_quotes_and_key_order_match():
    value = {"b": 'a "quoted"\n\t\x01\x7f\\ text', "a": [True, None, -5], "B": {}}
    assert canonical_bytes(value) == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [2**60, float("nan"), "\ud800", {1: "non-string key"}])
def test_what_json_cannot_carry_exactly_is_refused(value):
    with pytest.raises(ProtocolError):
        canonical_bytes(value)
