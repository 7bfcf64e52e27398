"""Property tests: encryption round trips, and every kind of tampering is detected."""

import json

import pytest
from core_fixtures import FAST, StepClock, observation
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from fieldapp.services import create_device
from fieldapp.store import DamagedRecord
from fieldapp.store.tables import ObservationRow
from sync.chain import ChainError, verify_chain
from sync.crypto import aead_decrypt, aead_encrypt, b64decode, new_key
from sync.errors import DecryptionError
from sync.records import SignedRecord, sign_record

KEY = new_key()
OBS = ObservationRow.__table__


@given(plaintext=st.binary(max_size=4096), aad=st.binary(max_size=64))
def test_aead_round_trip(plaintext, aad):
    assert aead_decrypt(KEY, aead_encrypt(KEY, plaintext, aad), aad) == plaintext


@given(plaintext=st.binary(max_size=512), aad=st.binary(max_size=32), data=st.data())
def test_any_flipped_byte_is_the_one_opaque_error(plaintext, aad, data):
    blob = bytearray(aead_encrypt(KEY, plaintext, aad))
    position = data.draw(st.integers(0, len(blob) - 1))
    blob[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(DecryptionError) as caught:
        aead_decrypt(KEY, bytes(blob), aad)
    assert str(caught.value) == str(DecryptionError())  # says nothing about where or why


@given(plaintext=st.binary(max_size=256), aad=st.binary(max_size=32), other=st.binary(max_size=32))
def test_other_associated_data_or_key_fails(plaintext, aad, other):
    blob = aead_encrypt(KEY, plaintext, aad)
    if other != aad:
        with pytest.raises(DecryptionError):
            aead_decrypt(KEY, blob, other)
    with pytest.raises(DecryptionError):
        aead_decrypt(new_key(), blob, aad)
    with pytest.raises(DecryptionError):
        aead_decrypt(KEY, blob[: len(blob) // 2], aad)


@pytest.fixture(scope="module")
def device(tmp_path_factory):
    dev = create_device(tmp_path_factory.mktemp("tamper"), "pw", kdf=FAST, clock=StepClock())
    ids = [dev.record(observation(description=f"note {i}"), finalize=i % 2 == 0) for i in range(4)]
    yield dev, ids
    dev.lock()


def _content(dev, record_id):
    with dev._engine.begin() as connection:
        return connection.execute(select(OBS.c.content).where(OBS.c.id == record_id)).scalar_one()


def _set_content(dev, record_id, blob):
    with dev._engine.begin() as connection:
        connection.execute(update(OBS).where(OBS.c.id == record_id).values(content=blob))


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_stored_ciphertext_moved_or_flipped_is_detected(device, data):
    dev, ids = device
    source, target = data.draw(st.permutations(ids))[:2]
    original_target = _content(dev, target)
    moved = _content(dev, source)
    flip_at = data.draw(st.integers(0, len(original_target) - 1))
    flipped = bytearray(original_target)
    flipped[flip_at] ^= 0x01
    try:
        for forged in (moved, bytes(flipped)):
            _set_content(dev, target, forged)
            with pytest.raises(DamagedRecord):
                dev.get(target)
    finally:
        _set_content(dev, target, original_target)
    assert dev.get(target).id == target


# --- the chain -------------------------------------------------------------------------------

SIGNER = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = SIGNER.public_key().public_bytes_raw()
DEVICE_ID = "d" * 32


def make_chain(length: int) -> list[SignedRecord]:
    chain: list[SignedRecord] = []
    for seq in range(1, length + 1):
        record = {"id": f"{seq:08d}-0000-4000-8000-000000000000", "kind": "other", "description": f"r{seq}"}
        chain.append(
            sign_record(
                record,
                device_id=DEVICE_ID,
                seq=seq,
                prev_hash=chain[-1].hash if chain else None,
                private_key=SIGNER,
            )
        )
    return chain


CHAIN = make_chain(8)


def test_an_intact_chain_verifies():
    assert [content["seq"] for content in verify_chain(CHAIN, PUBLIC)] == list(range(1, 9))
    assert len(verify_chain(CHAIN[3:], PUBLIC, previous=CHAIN[2])) == 5


@given(order=st.permutations(range(len(CHAIN))))
def test_a_reordered_chain_is_detected(order):
    reordered = [CHAIN[i] for i in order]
    if list(order) == sorted(order):
        verify_chain(reordered, PUBLIC)
    else:
        with pytest.raises(ChainError):
            verify_chain(reordered, PUBLIC)


@given(index=st.integers(0, len(CHAIN) - 1), data=st.data())
def test_an_edited_record_is_detected(index, data):
    body = bytearray(CHAIN[index].body)
    position = data.draw(st.integers(0, len(body) - 1))
    body[position] ^= data.draw(st.integers(1, 255))
    edited = [*CHAIN[:index], SignedRecord(bytes(body), CHAIN[index].signature), *CHAIN[index + 1 :]]
    with pytest.raises(ChainError) as caught:
        verify_chain(edited, PUBLIC)
    assert caught.value.index == index


@given(index=st.integers(1, len(CHAIN) - 2))
def test_a_dropped_record_is_detected(index):
    with pytest.raises(ChainError) as caught:
        verify_chain([*CHAIN[:index], *CHAIN[index + 1 :]], PUBLIC)
    assert caught.value.index == index


def test_a_re_signed_edit_still_breaks_the_links():
    # Someone holding the key re-signs an edited record 3: record 4 no longer links to it.
    content = json.loads(CHAIN[2].body)
    content["description"] = "changed"
    for key in ("device_id", "seq", "prev_hash"):
        content.pop(key)
    forged = sign_record(content, device_id=DEVICE_ID, seq=3, prev_hash=CHAIN[1].hash, private_key=SIGNER)
    with pytest.raises(ChainError) as caught:
        verify_chain([*CHAIN[:2], forged, *CHAIN[3:]], PUBLIC)
    assert caught.value.index == 3


def test_device_chain_from_the_store_verifies(device):
    dev, _ids = device
    views = sorted(dev.list_page(["queued"]).items, key=lambda view: view.seq)
    assert [view.seq for view in views] == [1, 2]
    signed = [SignedRecord(view.body, b64decode(view.signature)) for view in views]
    public_key = b64decode(dev.device_info().public_key)
    assert [content["id"] for content in verify_chain(signed, public_key)] == [view.id for view in views]
