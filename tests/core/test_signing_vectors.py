"""Known-answer vectors: canonical encoding of a finalized record and its Ed25519 signature.

Fixed private key, fixed record → fixed bytes and fixed signature (Ed25519 is deterministic).
If any of these change, records signed by an older release would no longer verify.
"""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.canonical import canonical_bytes, sha256_hex
from sync.crypto import device_id_for, verify
from sync.records import sign_record

# RFC 8032, section 7.1, TEST 1 (empty message): our signing primitive is plain Ed25519.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
    "d25bf5f0595bbe24655141438e7a100b"
)

DEVICE_SECRET = bytes(range(32))
RECORD = {
    "id": "0b7e7a53-1f0c-4f6e-9a43-2d1f5b1c9e10",
    "kind": "violation",
    "observed_at": "2025-05-01T10:00:00+02:00",
    "recorded_at": "2025-05-01T08:05:00.000000Z",
    "location": {"lat": 31.2, "lon": 16.6, "accuracy_m": 12.0, "source": "gps"},
    "place": "Sirte — سرت",
    "observed_by": "heard",
    "certainty": "probable",
    "description": "Shelling, 4 impacts",
    "controlling_side": None,
    "amends": None,
    "details": {"type": "shelling", "count": 4, "direction": "SE", "casualties": {"killed": 0, "injured": 2}},
    "attachments": [],
}
EXPECTED_BODY = (
    '{"amends":null,"attachments":[],"certainty":"probable","controlling_side":null,'
    '"description":"Shelling, 4 impacts","details":{"casualties":{"injured":2,"killed":0},'
    '"count":4,"direction":"SE","type":"shelling"},"device_id":"56475aa75463474c0285df5dbf2bcab7","id":'
    '"0b7e7a53-1f0c-4f6e-9a43-2d1f5b1c9e10","kind":"violation","location":{"accuracy_m":12,'
    '"lat":31.2,"lon":16.6,"source":"gps"},"observed_at":"2025-05-01T10:00:00+02:00",'
    '"observed_by":"heard","place":"Sirte — سرت",'
    '"prev_hash":"abababababababababababababababababababababababababababababababab",'
    '"recorded_at":"2025-05-01T08:05:00.000000Z","seq":7}'
)
EXPECTED_DEVICE_ID = "56475aa75463474c0285df5dbf2bcab7"
EXPECTED_SIGNATURE_HEX = (
    "a751db867278e15b9b6453ba0df54bcf98bfab23984cae396314274dd36479c7"
    "adaef4252d7887880a77baef0c62a46aea4ece2e9d68624c6e74221c4e6c2d0d"
)
EXPECTED_BODY_SHA256 = "62cc0b8a4c407107aafa1bd525dc3194a291c08c3b9bb768386eaea71f80abec"
PREV_HASH = "ab" * 32


def test_rfc8032_vector():
    key = Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)
    assert key.public_key().public_bytes_raw() == RFC8032_PUBLIC
    assert key.sign(b"") == RFC8032_SIGNATURE
    assert verify(RFC8032_PUBLIC, b"", RFC8032_SIGNATURE)


def test_canonical_body_and_signature_are_fixed():
    key = Ed25519PrivateKey.from_private_bytes(DEVICE_SECRET)
    device_id = device_id_for(key.public_key().public_bytes_raw())
    assert device_id == EXPECTED_DEVICE_ID
    signed = sign_record(RECORD, device_id=device_id, seq=7, prev_hash=PREV_HASH, private_key=key)
    expected = EXPECTED_BODY.encode("utf-8")
    assert signed.body == expected
    assert signed.signature.hex() == EXPECTED_SIGNATURE_HEX
    assert signed.hash == sha256_hex(expected) == EXPECTED_BODY_SHA256


def test_canonical_encoding_rules():
    # keys sorted by UTF-16 code units, no whitespace, integers without ".0", non-ASCII as-is
    assert canonical_bytes({"b": 1, "a": [1.0, 2.5, None, True], "é": "é", "Z": ""}) == (
        '{"Z":"","a":[1,2.5,null,true],"b":1,"é":"é"}'.encode()
    )
