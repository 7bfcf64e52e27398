"""The evidence package's format (docs/evidence.md), shared by the server that writes it and the
offline verifier that checks it: file names, the statements the server signs, and the zip.

The zip is *canonical*: entries sorted by name, stored (no compression), every header field
fixed (1980-01-01 00:00, UTF-8 names, no extra fields). Written by the code below, not by
`zipfile`, so its bytes depend on nothing but the files. The verifier rebuilds the zip from
the files it read and compares byte for byte: a change anywhere in the package, even in a
header no file's hash covers, is found and located.
"""

import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .errors import ProtocolError

FORMAT = "fieldapp-evidence"
VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.sig"
RECORD_BODY = "record/body.json"
RECORD_SIGNATURE = "record/signature.bin"
DEVICE_KEY = "device/public_key.pem"
DEVICE_ENROLMENT = "device/enrolment.json"
SERVER_KEY = "server/public_key.pem"
SERVER_RECEIPT = "server/receipt.json"
TREE_HEAD = "log/tree_head.json"
LOG_ENTRIES = "log/entries.json"
DECISIONS = "review/decisions.json"
SUMMARY_EN = "summary.html"
SUMMARY_AR = "summary-ar.html"
SUMMARY_PDF_EN = "summary.pdf"
SUMMARY_PDF_AR = "summary-ar.pdf"
PHOTOS_DIR = "photos/"
PHOTO_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}

MANIFEST_LABEL = b"fieldapp/v1/evidence-manifest\n"
RECEIPT_LABEL = b"fieldapp/v1/evidence-receipt\n"
MAX_PACKAGE_BYTES = 1 << 31  # no zip64: a package holds one report and at most ten photos
MAX_ENTRIES = 1000

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_FLAGS = 0x0800  # names are UTF-8
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_MADE_BY = (3 << 8) | 20  # Unix, spec 2.0
_NEEDED = 20
_FILE_MODE = (0o100644 << 16) & 0xFFFFFFFF


def photo_path(sha256: str, mime: str) -> str:
    return f"{PHOTOS_DIR}{sha256}.{PHOTO_EXTENSIONS.get(mime, 'bin')}"


@dataclass(frozen=True)
class Region:
    """A byte range of the zip and what it holds (to say where a change is)."""

    start: int
    end: int
    what: str


def write_zip(files: dict[str, bytes]) -> bytes:
    return _layout(files)[0]


def _layout(files: dict[str, bytes]) -> tuple[bytes, list[Region]]:
    out = bytearray()
    regions: list[Region] = []
    central = bytearray()
    names = sorted(files)
    for name in names:
        data, encoded = files[name], name.encode("utf-8")
        crc, offset = zlib.crc32(data), len(out)
        out += _LOCAL.pack(
            0x04034B50, _NEEDED, _FLAGS, 0, 0, _DOS_DATE, crc, len(data), len(data), len(encoded), 0
        )
        out += encoded
        regions.append(Region(offset, len(out), f"the zip's local header of {name}"))
        regions.append(Region(len(out), len(out) + len(data), f"the content of {name}"))
        out += data
        central += _CENTRAL.pack(
            0x02014B50, _MADE_BY, _NEEDED, _FLAGS, 0, 0, _DOS_DATE, crc, len(data), len(data),
            len(encoded), 0, 0, 0, 0, _FILE_MODE, offset,
        )  # fmt: skip
        central += encoded
    start = len(out)
    out += central
    regions.append(Region(start, len(out), "the zip's central directory"))
    end = _END.pack(0x06054B50, 0, 0, len(names), len(names), len(central), start, 0)
    regions.append(Region(len(out), len(out) + len(end), "the zip's end record"))
    out += end
    return bytes(out), regions


def read_zip(data: bytes) -> dict[str, bytes]:
    """Each entry's bytes exactly as stored (CRCs are not trusted here: the manifest's hashes
    and the canonical rebuild say what changed). Raises ProtocolError if it is no usable zip."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise ProtocolError("the package is larger than any evidence package can be")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ProtocolError(f"not a readable zip file ({exc})") from exc
    if len(infos) > MAX_ENTRIES:
        raise ProtocolError("the package has more entries than an evidence package can have")
    files: dict[str, bytes] = {}
    for info in infos:
        if info.compress_type != zipfile.ZIP_STORED or info.filename in files:
            raise ProtocolError(f"{info.filename}: not stored as an evidence package stores files")
        header = data[info.header_offset : info.header_offset + _LOCAL.size]
        if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
            raise ProtocolError(f"{info.filename}: its local header is damaged")
        fields = _LOCAL.unpack(header)
        start = info.header_offset + _LOCAL.size + fields[9] + fields[10]
        files[info.filename] = data[start : start + info.compress_size]
    return files


def first_difference(data: bytes, files: dict[str, bytes]) -> str | None:
    """None when `data` is exactly the canonical zip of `files`; else where it first differs."""
    expected, regions = _layout(files)
    if data == expected:
        return None
    changed = [
        info.filename
        for info in zipfile.ZipFile(BytesIO(data)).infolist()
        if info.filename in files and zlib.crc32(files[info.filename]) != info.CRC
    ]
    if changed:  # a content byte changed: the rebuilt CRC is the first difference, the file is the news
        return f"the content of {changed[0]} no longer matches its CRC-32"
    at = next((i for i, (a, b) in enumerate(zip(data, expected, strict=False)) if a != b), None)
    if at is None:
        return f"the package is {len(data)} bytes where its canonical form has {len(expected)}"
    where = next((r.what for r in regions if r.start <= at < r.end), "the zip's structure")
    return f"byte {at} differs from the canonical package, in {where}"


def public_key_pem(raw: bytes) -> bytes:
    key = Ed25519PublicKey.from_public_bytes(raw)
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key_from_pem(pem: bytes) -> bytes:
    """The raw 32-byte Ed25519 key of a PEM file; ProtocolError if it is not one."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise ProtocolError("not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ProtocolError("not an Ed25519 public key")
    return key.public_bytes_raw()
