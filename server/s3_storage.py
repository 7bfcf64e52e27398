"""Photos on the S3 API (AWS S3, MinIO, Ceph RGW, Garage, ...): `FIELDAPP_ATTACHMENTS_URL=s3://bucket/prefix`.

Layout under the prefix (same shape as the filesystem store, so one contract suite serves both):
  partial/<part id>/<offset, 12 digits>   one object per received chunk of an upload in progress
  photos/<first two hex>/<sha256>         the committed photo, written once

Why chunks as objects: the upload's progress lives in the database (`received`), so any server
process can take the next chunk; each chunk is its own small PUT, durable when S3 answers.
S3's multipart upload can't be used for this: its parts must be >= 5 MiB, ours are <= 1 MiB.
A commit reads the chunks in order, checks their SHA-256 against the signed hash while it
assembles them, and writes `photos/<sha256>` once: if the object is already there (another
report listing the same photo) nothing is written; the PUT also carries If-None-Match: *
so two processes racing on one hash can't overwrite each other. Photos are at most
PHOTO_SIZE_MAX (20 MiB), so one object is assembled in memory.

Endpoint, region and credentials come from the standard AWS environment (AWS_ENDPOINT_URL or
AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile / role):
boto3 reads them itself, so nothing secret passes through FieldApp's settings or logs.
"""

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .storage import READ_BYTES, check_part_id, check_sha256

OFFSET_DIGITS = 12


class ObjectStoreError(RuntimeError):
    """The object store refused or could not be reached (said as one sentence, no secrets)."""


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` -> ("bucket", "some/prefix/"); the prefix may be empty."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"an attachments URL must look like s3://bucket/prefix, not {url!r}")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


class S3AttachmentStore:
    """The AttachmentStore protocol (server/storage.py) on one bucket and key prefix."""

    def __init__(self, url: str, *, client: Any = None) -> None:
        self.bucket, self.prefix = parse_s3_url(url)
        if client is None:
            import boto3  # server-only dependency; imported here so the filesystem default needs none

            client = boto3.client("s3")
        self.client = client

    # -- keys ---------------------------------------------------------------------------

    def _part_prefix(self, part_id: str) -> str:
        return f"{self.prefix}partial/{check_part_id(part_id)}/"

    def _photo_key(self, sha256: str) -> str:
        check_sha256(sha256)
        return f"{self.prefix}photos/{sha256[:2]}/{sha256}"

    def _chunks(self, part_id: str) -> list[tuple[int, str]]:
        """(offset, key) of every chunk of the part, in offset order."""
        prefix = self._part_prefix(part_id)
        found: list[tuple[int, str]] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                tail = item["Key"][len(prefix) :]
                if tail.isdigit():
                    found.append((int(tail), item["Key"]))
        return sorted(found)

    def _get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def _delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    # -- the protocol -------------------------------------------------------------------

    def write_part(self, part_id: str, offset: int, data: bytes) -> None:
        if offset < 0:
            raise ValueError("bad offset")
        chunks = self._chunks(part_id)
        # "Anything after it is dropped": later chunks go, and a chunk running past `offset`
        # is cut back to it (the upload protocol only appends, so this is the rare resend).
        self._delete([key for start, key in chunks if start >= offset])
        for start, key in chunks:
            if start < offset:
                body = self._get(key)
                if start + len(body) > offset:
                    self.client.put_object(Bucket=self.bucket, Key=key, Body=body[: offset - start])
        key = f"{self._part_prefix(part_id)}{offset:0{OFFSET_DIGITS}d}"
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def _part_bytes(self, part_id: str) -> Iterator[bytes]:
        chunks = self._chunks(part_id)
        if not chunks:
            raise FileNotFoundError(part_id)
        position = 0
        for start, key in chunks:
            if start != position:
                raise ObjectStoreError(f"upload {part_id} has a gap at byte {position}")
            body = self._get(key)
            position += len(body)
            yield body

    def part_sha256(self, part_id: str) -> str:
        digest = hashlib.sha256()
        for body in self._part_bytes(part_id):
            digest.update(body)
        return digest.hexdigest()

    def discard_part(self, part_id: str) -> None:
        self._delete([key for _start, key in self._chunks(part_id)])

    def commit_part(self, part_id: str, sha256: str) -> None:
        target = self._photo_key(sha256)
        if not self.has(sha256):
            whole = b"".join(self._part_bytes(part_id))
            if hashlib.sha256(whole).hexdigest() != sha256:
                raise ObjectStoreError(f"upload {part_id} does not match its signed hash")
            self._put_once(target, whole)
        self.discard_part(part_id)

    def _put_once(self, key: str, body: bytes) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, IfNoneMatch="*")
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("PreconditionFailed", "ConditionalRequestConflict", "412", "409"):
                return  # another process wrote the same content-addressed object first
            raise

    def has(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def size(self, sha256: str) -> int:
        head = self._head(sha256)
        if head is None:
            raise FileNotFoundError(sha256)
        return int(head["ContentLength"])

    def _head(self, sha256: str) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._photo_key(sha256))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def iter_photo(self, sha256: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._photo_key(sha256))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise FileNotFoundError(sha256) from None
            raise
        yield from body.iter_chunks(READ_BYTES)

    def ready(self) -> None:
        """Raise ObjectStoreError unless the bucket answers (for /api/v1/ready)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as error:  # botocore raises many types; all mean "not ready"
            raise ObjectStoreError(f"the object store does not answer for bucket {self.bucket}") from error
