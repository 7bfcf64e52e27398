"""The zip export: `reports.geojson`, each fully arrived photo as `photos/<sha256>.jpg|.png`,
and `photos.csv` (which report lists which photo; photos still on their way are listed as
`pending`, without a file). Each feature gets a `photos` property: its files, `;`-separated.

Streamed: the reports are read a chunk at a time (server/exports.py); each photo goes into the
archive as its report's chunk is read, piece by piece from the store; the GeoJSON and the
manifest, which name the photos, are written to temporary files meanwhile and copied into the
archive at the end. The archive is written to any `write`-able object, seekable or not (zip
data descriptors), so the API sends its bytes as they are made.
"""

import csv
import io
import tempfile
import zipfile
from collections.abc import Generator
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from .attachments import photos_in
from .exports import _cell, feature, report_chunks
from .models import ReportAttachment
from .report_filters import ReportFilters

ZIP_GEOJSON = "reports.geojson"
ZIP_MANIFEST = "photos.csv"
MANIFEST_COLUMNS = ("record_id", "sha256", "file", "name", "mime", "size", "status")
COPY_BYTES = 256 * 1024
# zlib's fastest level: GeoJSON and CSV text still shrink ~5x, at several times level 6's speed
# (the archive of a large export is made while the verifier waits for it)
COMPRESS_LEVEL = 1


def write_zip(session: Session, filters: ReportFilters, store: Any, out: Any) -> int:
    """The whole archive into `out`; returns the number of photo files written."""
    pieces = zip_pieces(session, filters, store)
    try:
        while True:
            out.write(next(pieces))
    except StopIteration as done:
        return int(done.value)


def zip_pieces(session: Session, filters: ReportFilters, store: Any) -> Generator[bytes, None, int]:
    """The archive's bytes in pieces as it is written; the generator's value: photos written."""
    sink = _Sink()
    written: set[str] = set()
    with (
        tempfile.TemporaryFile() as features,
        tempfile.TemporaryFile() as manifest,
        zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive,
    ):
        text = io.TextIOWrapper(manifest, encoding="utf-8", newline="")
        text.write("\ufeff")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(MANIFEST_COLUMNS)
        features.write(b'{"type": "FeatureCollection", "features": [')
        first = True
        for chunk in report_chunks(session, filters):
            arrived = _arrived(session, [row["record_id"] for row, _ in chunk])
            for row, content in chunk:
                files = []
                for photo in photos_in(content):
                    complete = (row["record_id"], photo.sha256) in arrived
                    name = f"photos/{photo.sha256}{'.png' if photo.mime == 'image/png' else '.jpg'}"
                    if complete:
                        files.append(name)
                        if name not in written:
                            # Already compressed images: stored as they are, byte for byte.
                            with archive.open(zipfile.ZipInfo(name), "w", force_zip64=True) as entry:
                                for piece in store.iter_photo(photo.sha256):
                                    entry.write(piece)
                            written.add(name)
                            yield sink.take()
                    writer.writerow(
                        [
                            _cell(row["record_id"]),
                            photo.sha256,
                            name if complete else "",
                            _cell(photo.name),
                            photo.mime,
                            photo.size,
                            "complete" if complete else "pending",
                        ]
                    )
                row["photos"] = ";".join(files) or None
            encoded = orjson.dumps([feature(row) for row, _ in chunk])[1:-1]
            features.write(encoded if first else b", " + encoded)
            first = False
            yield sink.take()
        features.write(b"]}")
        text.flush()
        for name, spool in ((ZIP_GEOJSON, features), (ZIP_MANIFEST, manifest)):
            spool.seek(0)
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = COMPRESS_LEVEL  # (public as compress_level from Python 3.13)
            with archive.open(info, "w", force_zip64=True) as entry:
                while piece := spool.read(COPY_BYTES):
                    entry.write(piece)
                    yield sink.take()
        text.detach()
    yield sink.take()  # the central directory, written when the archive closed
    return len(written)


def _arrived(session: Session, record_ids: list[str]) -> set[tuple[str, str]]:
    """(record id, sha256) of the chunk's photos that have fully arrived."""
    query = sa.select(col(ReportAttachment.record_id), col(ReportAttachment.sha256)).where(
        col(ReportAttachment.record_id).in_(record_ids), col(ReportAttachment.complete)
    )
    return {(row.record_id, row.sha256) for row in session.execute(query)}


class _Sink(io.RawIOBase):
    """An unseekable file the archive writes to; `take` hands over what has been written."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        found = b"".join(self._parts)
        self._parts.clear()
        return found
