"""One contract for every AttachmentStore (server/storage.py): the filesystem default and the
S3-API store (server/s3_storage.py, against moto's real S3 server on loopback).

What the upload protocol and the exports rely on: a part grows by appends, a write at an
offset drops what came after, the part's hash is the hash of its bytes, a commit makes the
photo readable under its hash and removes the part, a second commit of the same hash is a
no-op that never overwrites, and reads stream the exact bytes.
"""

import hashlib
import os
from collections.abc import Iterator

import pytest

from server.s3_storage import S3AttachmentStore, parse_s3_url
from server.storage import FilesystemAttachmentStore
from tests.support.s3_server import S3Server, s3_server


@pytest.fixture(scope="module")
def s3(tmp_path_factory) -> Iterator[S3Server]:
    with s3_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    if request.param == "filesystem":
        return FilesystemAttachmentStore(tmp_path / "attachments")
    s3: S3Server = request.getfixturevalue("s3")
    bucket = s3.make_bucket(f"photos-{os.urandom(4).hex()}")
    return S3AttachmentStore(f"s3://{bucket}/mission-a", client=s3.client())


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_part_grows_by_appends_and_commits_under_its_hash(store):
    photo = os.urandom(300_000)
    for offset in range(0, len(photo), 100_000):
        store.write_part("r1.x", offset, photo[offset : offset + 100_000])
    assert store.part_sha256("r1.x") == sha(photo)
    assert not store.has(sha(photo))
    store.commit_part("r1.x", sha(photo))
    assert store.has(sha(photo)) and store.size(sha(photo)) == len(photo)
    assert b"".join(store.iter_photo(sha(photo))) == photo
    with pytest.raises(FileNotFoundError):
        store.part_sha256("r1.x")  # the part is gone after the commit


def test_a_write_at_an_offset_drops_what_came_after(store):
    store.write_part("r2.x", 0, b"a" * 10)
    store.write_part("r2.x", 10, b"b" * 10)
    store.write_part("r2.x", 20, b"c" * 10)
    store.write_part("r2.x", 10, b"B" * 5)  # a resend from byte 10: bytes 15.. are dropped
    assert store.part_sha256("r2.x") == sha(b"a" * 10 + b"B" * 5)
    store.write_part("r2.x", 0, b"fresh")
    assert store.part_sha256("r2.x") == sha(b"fresh")


def test_a_photo_is_written_once(store):
    photo = os.urandom(5000)
    store.write_part("first.x", 0, photo)
    store.commit_part("first.x", sha(photo))
    # A second report listing the same photo: its part is committed again; nothing changes and
    # the part still goes away.
    store.write_part("second.x", 0, photo)
    store.commit_part("second.x", sha(photo))
    assert b"".join(store.iter_photo(sha(photo))) == photo
    with pytest.raises(FileNotFoundError):
        store.part_sha256("second.x")


def test_discarding_a_part_leaves_nothing(store):
    store.write_part("gone.x", 0, b"half a photo")
    store.discard_part("gone.x")
    store.discard_part("gone.x")  # twice is fine
    with pytest.raises(FileNotFoundError):
        store.part_sha256("gone.x")


def test_missing_photos_and_bad_names_are_refused(store):
    missing = "0" * 64
    assert not store.has(missing)
    with pytest.raises(FileNotFoundError):
        store.size(missing)
    with pytest.raises(FileNotFoundError):
        b"".join(store.iter_photo(missing))
    for bad in ("../etc", "a/b", ""):
        with pytest.raises(ValueError):
            store.write_part(bad, 0, b"x")
    with pytest.raises(ValueError):
        store.has("not-a-hash")


def test_a_ready_store_says_so(store):
    store.ready()


def test_the_s3_store_keeps_to_its_prefix(s3):
    bucket = s3.make_bucket("photos-prefix")
    store = S3AttachmentStore(f"s3://{bucket}/mission-b/", client=s3.client())
    photo = b"x" * 1000
    store.write_part("r.x", 0, photo)
    store.commit_part("r.x", sha(photo))
    keys = [item["Key"] for item in s3.client().list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"mission-b/photos/{sha(photo)[:2]}/{sha(photo)}"]


def test_a_missing_bucket_is_not_ready(s3):
    from server.s3_storage import ObjectStoreError

    with pytest.raises(ObjectStoreError, match="does not answer"):
        S3AttachmentStore("s3://no-such-bucket", client=s3.client()).ready()


def test_attachment_urls_are_parsed_strictly():
    assert parse_s3_url("s3://bucket/a/b/") == ("bucket", "a/b/")
    assert parse_s3_url("s3://bucket") == ("bucket", "")
    for bad in ("https://bucket/x", "s3:///x", "bucket/x"):
        with pytest.raises(ValueError):
            parse_s3_url(bad)
