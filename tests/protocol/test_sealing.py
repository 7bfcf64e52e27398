"""Sealing records to the server: round trip, header binding, one opaque error."""

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from sync import (
    DecryptionError,
    ProtocolError,
    SignatureError,
    check_header_matches,
    envelope_header,
    open_envelope,
    seal_record,
    sign_record,
    verify_record,
)
from sync.canonical import canonical_bytes
from sync.crypto import b64decode, b64encode, device_id_for, seal, unseal
from sync.records import header_bytes

DEVICE_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
DEVICE_PUBLIC = DEVICE_KEY.public_key().public_bytes_raw()
DEVICE_ID = device_id_for(DEVICE_PUBLIC)
SERVER_KEY = X25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
SERVER_PUBLIC = SERVER_KEY.public_key().public_bytes_raw()


def _signed(seq=1, prev_hash=None, description="convoy of 12 trucks"):
    record_id = str(uuid.UUID(int=seq))
    record = {"id": record_id, "kind": "other", "description": description}
    signed = sign_record(record, device_id=DEVICE_ID, seq=seq, prev_hash=prev_hash, private_key=DEVICE_KEY)
    header = envelope_header(record_id=record_id, device_id=DEVICE_ID, seq=seq)
    return signed, header


def test_envelope_round_trip_verifies_and_matches_header():
    signed, header = _signed()
    envelope = seal_record(signed, header, SERVER_PUBLIC)
    opened = open_envelope(envelope["header"], envelope["sealed"], SERVER_KEY)
    assert opened == signed
    content = verify_record(opened, DEVICE_PUBLIC)
    check_header_matches(header, content)
    assert content["description"] == "convoy of 12 trucks"
    assert content["prev_hash"] is None


def test_each_seal_uses_a_fresh_ephemeral_key():
    signed, header = _signed()
    first = seal_record(signed, header, SERVER_PUBLIC)["sealed"]
    second = seal_record(signed, header, SERVER_PUBLIC)["sealed"]
    assert b64decode(first)[:32] != b64decode(second)[:32]


def test_header_moved_onto_another_body_is_refused():
    signed_a, header_a = _signed(seq=1)
    signed_b, header_b = _signed(seq=2, prev_hash=signed_a.hash)
    body_b = seal_record(signed_b, header_b, SERVER_PUBLIC)["sealed"]
    with pytest.raises(DecryptionError):
        open_envelope(header_a, body_b, SERVER_KEY)


def test_wrong_server_key_gives_the_same_opaque_error():
    signed, header = _signed()
    sealed = seal_record(signed, header, SERVER_PUBLIC)["sealed"]
    with pytest.raises(DecryptionError) as excinfo:
        open_envelope(header, sealed, X25519PrivateKey.generate())
    assert str(excinfo.value) == str(DecryptionError())


@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_any_flipped_bit_in_a_sealed_record_is_detected(position, bit):
    signed, header = _signed()
    sealed = bytearray(b64decode(seal_record(signed, header, SERVER_PUBLIC)["sealed"]))
    sealed[position % len(sealed)] ^= 1 << bit
    with pytest.raises(DecryptionError):
        open_envelope(header, b64encode(bytes(sealed)), SERVER_KEY)


@pytest.mark.parametrize("sealed", [b"", b"\x00" * 40, b"\x00" * 32 + b"\x01" * 40])
def test_truncated_or_low_order_input_is_the_opaque_error(sealed):
    with pytest.raises(DecryptionError):
        unseal(SERVER_KEY, sealed, b"aad")


def test_bad_base64_is_a_protocol_error():
    with pytest.raises(ProtocolError):
        open_envelope({"v": 1}, "not base64!!", SERVER_KEY)


def test_signature_by_another_device_is_refused():
    signed, _ = _signed()
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with pytest.raises(SignatureError):
        verify_record(signed, other)


def test_edited_body_fails_the_signature():
    signed, _ = _signed()
    edited = type(signed)(body=signed.body.replace(b"12 trucks", b"13 trucks"), signature=signed.signature)
    with pytest.raises(SignatureError):
        verify_record(edited, DEVICE_PUBLIC)


def test_header_that_disagrees_with_the_signed_body_is_refused():
    signed, header = _signed(seq=1)
    content = verify_record(signed, DEVICE_PUBLIC)
    with pytest.raises(ProtocolError):
        check_header_matches({**header, "seq": 2}, content)


def test_chain_rule_first_record_has_no_previous_hash():
    with pytest.raises(ProtocolError):
        _signed(seq=1, prev_hash="ab" * 32)
    with pytest.raises(ProtocolError):
        _signed(seq=2, prev_hash=None)


def test_seal_refuses_a_malformed_server_key():
    with pytest.raises(ProtocolError):
        seal(b"short", b"data", b"aad")


@given(
    record_id=st.uuids().map(str),
    device_id=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
    seq=st.integers(min_value=1, max_value=2**53 - 1),
)
def test_header_bytes_are_the_canonical_encoding(record_id, device_id, seq):
    header = envelope_header(record_id=record_id, device_id=device_id, seq=seq)
    assert header_bytes(header) == canonical_bytes(header)


@pytest.mark.parametrize(
    "header",
    [
        {"v": 1, "record_id": 'a"b', "device_id": "ab", "seq": 1},
        {"v": True, "record_id": "ab", "device_id": "ab", "seq": 1},
        {"v": 1, "record_id": "ab", "device_id": "ab", "seq": 1, "extra": "é"},
    ],
)
def test_unusual_headers_still_get_the_canonical_encoding(header):
    assert header_bytes(header) == canonical_bytes(header)


def test_a_sequence_beyond_json_integers_is_refused_not_encoded():
    with pytest.raises(ProtocolError):
        header_bytes({"v": 1, "record_id": "ab", "device_id": "ab", "seq": 2**60})
