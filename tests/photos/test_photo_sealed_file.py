"""The at-rest format of one photo: chunked AES-GCM, ranged reads, every tampering detected."""

import hashlib
import os
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.store.attachments import DamagedPhoto, PhotoChanged, SealedPhoto, write_sealed_photo
from fieldapp.store.attachments.sealed_file import HEADER, TAG_BYTES

RECORD = "6f8b8e36-98ce-4e33-bf52-8bff4fcab405"
OTHER_RECORD = "cf31437b-d4dd-4afd-9e21-694f0964072d"


def seal(path, data: bytes, *, chunk: int = 1000, key: bytes | None = None, record: str = RECORD):
    key = key or os.urandom(32)
    sha = hashlib.sha256(data).hexdigest()
    pieces = [data[i : i + 333] for i in range(0, len(data), 333)]  # slices unlike the chunks
    write_sealed_photo(path, pieces, key=key, record_id=record, sha256=sha, size=len(data), chunk_bytes=chunk)
    return key, sha


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=1, max_size=5000), chunk=st.integers(16, 1200), cut=st.data())
def test_round_trip_and_ranges(tmp_path_factory, data, chunk, cut):
    path = tmp_path_factory.mktemp("sealed") / "p.photo"
    key, sha = seal(path, data, chunk=chunk)
    photo = SealedPhoto(path, key=key, record_id=RECORD, sha256=sha)
    assert photo.read_all() == data
    offset = cut.draw(st.integers(0, len(data)))
    length = cut.draw(st.integers(0, 3000))
    assert photo.read_range(offset, length) == data[offset : offset + length]
    assert len(data) < 16 or data not in path.read_bytes()[HEADER.size :]  # no plaintext after the header


def test_size_and_layout(tmp_path):
    data = os.urandom(2500)
    seal(tmp_path / "p", data)
    raw = (tmp_path / "p").read_bytes()
    assert raw.startswith(b"FAPHOTO1")
    assert len(raw) == HEADER.size + len(data) + 3 * TAG_BYTES  # three chunks of ≤1000 bytes


@pytest.mark.parametrize(
    "tamper",
    ["flip_body", "flip_header_size", "truncate", "append", "swap_chunks", "drop_last_chunk"],
)
def test_any_change_to_the_file_is_one_opaque_error(tmp_path, tamper):
    data = os.urandom(3000)
    path = tmp_path / "p"
    key, sha = seal(path, data)
    raw = bytearray(path.read_bytes())
    step = 1000 + TAG_BYTES
    body = HEADER.size
    if tamper == "flip_body":
        raw[body + 1500] ^= 1
    elif tamper == "flip_header_size":
        size = struct.unpack(">Q", raw[12:20])[0]
        raw[12:20] = struct.pack(">Q", size - 1)
    elif tamper == "truncate":
        raw = raw[:-5]
    elif tamper == "append":
        raw += b"\0" * 10
    elif tamper == "swap_chunks":
        first, second = raw[body : body + step], raw[body + step : body + 2 * step]
        raw[body : body + step], raw[body + step : body + 2 * step] = second, first
    elif tamper == "drop_last_chunk":
        raw = raw[: body + 2 * step]
    path.write_bytes(bytes(raw))
    with pytest.raises(DamagedPhoto):
        SealedPhoto(path, key=key, record_id=RECORD, sha256=sha).read_all()


def test_bound_to_its_record_hash_and_key(tmp_path):
    data = os.urandom(1500)
    key, sha = seal(tmp_path / "p", data)
    for kwargs in (
        {"key": key, "record_id": OTHER_RECORD, "sha256": sha},
        {"key": key, "record_id": RECORD, "sha256": "0" * 64},
        {"key": os.urandom(32), "record_id": RECORD, "sha256": sha},
    ):
        with pytest.raises(DamagedPhoto):
            SealedPhoto(tmp_path / "p", **kwargs).read_range(0, 10)


def test_a_source_that_changes_after_hashing_leaves_nothing(tmp_path):
    data = os.urandom(2000)
    sha = hashlib.sha256(data).hexdigest()
    changed = data[:-1] + bytes([data[-1] ^ 1])
    for pieces, size in (([changed], len(data)), ([data[:-10]], len(data)), ([data, b"x"], len(data))):
        with pytest.raises(PhotoChanged):
            write_sealed_photo(
                tmp_path / "p", pieces, key=os.urandom(32), record_id=RECORD, sha256=sha, size=size
            )
        assert list(tmp_path.iterdir()) == []
