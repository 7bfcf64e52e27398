"""Reading stored bodies fast (orjson and a plainly-safe check, server/record_content.py) gives
exactly what the reference reading gives: `parse_json`, then every content check."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from server.record_content import MAX_EXACT_INT, MalformedRecord, StoredContent, _check, read_stored
from sync.canonical import parse_json
from sync.errors import ProtocolError


def _reference(body: bytes) -> StoredContent:
    try:
        content = parse_json(body)
        if not isinstance(content, dict):
            raise MalformedRecord("malformed record: not a JSON object")
        _check(content, None, 1)
    except ProtocolError as exc:
        return StoredContent({}, f"malformed record: {exc}")
    except MalformedRecord as exc:
        return StoredContent({}, str(exc))
    return StoredContent(content)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.text(alphabet="ab", min_size=990, max_size=1010)  # around the text limit
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=70), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=70), _values, max_size=6))
def test_reading_equals_the_reference_reading(content):
    body = json.dumps(content, ensure_ascii=False).encode("utf-8", "surrogatepass")
    assert read_stored(body) == _reference(body)


def test_edge_bodies_read_as_the_reference_reads_them():
    bodies = [
        b'{"a": 123456789012345678901234567890}',  # an integer orjson would widen to a float
        b'{"a": %d}' % (MAX_EXACT_INT + 1),
        b'{"a": 1e300}',
        b'{"a": NaN}',
        b'{"a": "\\ud800"}',
        b'{"description": "' + b"x" * 5000 + b'"}',  # a field allowed to be longer
        b'{"place": "' + b"x" * 5000 + b'"}',
        b"[" * 20 + b"]" * 20,
        b'{"a": ' + b"[" * 9 + b"]" * 9 + b"}",
        b'{"\xd9\x82": 1}',  # a non-ASCII key
        b"\xff",
        b"",
    ]
    for body in bodies:
        assert read_stored(body) == _reference(body), body
