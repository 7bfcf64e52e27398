"""The signed JSON of a situation report, written as a stream.

`{"report": {...}, "signature": {...}}`: `report` is written in RFC 8785 canonical form while
its SHA-256 is taken, its two record lists (`earlier_records`, `reports`) a chunk at a time;
`signature` follows, Ed25519 by the server's signing key over `fieldapp/v1/sitrep\\n` + that
SHA-256 (hex) (`sync.sitrep_format`). `fieldapp verify SITREP.json` checks it offline and
counts every number again from the listed records.
"""

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy.orm import Session

from sync.canonical import canonical_bytes
from sync.crypto import b64encode, sign
from sync.sitrep_format import signed_message

from ..keys import ServerKeys
from .compute import Context, Sitrep, earlier_records, reports_in_period

STREAMED = ("earlier_records", "reports")
PIECE_RECORDS = 200


def json_pieces(session: Session, sitrep: Sitrep, context: Context, keys: ServerKeys) -> Iterator[bytes]:
    head = sitrep.head()
    lists = {
        "earlier_records": lambda: earlier_records(session, sitrep, context),
        "reports": lambda: reports_in_period(session, sitrep, context),
    }
    digest = hashlib.sha256()

    def hashed(piece: bytes) -> bytes:
        digest.update(piece)
        return piece

    yield b'{"report":'
    # Canonical form: members sorted by their UTF-16 code units; every name here is ASCII.
    names = sorted([*head, *STREAMED])
    for index, name in enumerate(names):
        yield hashed((b"{" if index == 0 else b",") + canonical_bytes(name) + b":")
        if name in lists:
            yield from (hashed(piece) for piece in _array(lists[name]()))
        else:
            yield hashed(canonical_bytes(head[name]))
    yield hashed(b"}")
    signature = sign(keys.sign_private, signed_message(digest.hexdigest()))
    trailer = {
        "algorithm": "Ed25519",
        "signed": "fieldapp/v1/sitrep\\n + SHA-256 hex of canonical report",
        "value": b64encode(signature),
    }
    yield b',"signature":' + canonical_bytes(trailer) + b"}"


def _array(items: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    batch: list[bytes] = []
    first = True
    for item in items:
        batch.append(canonical_bytes(item))
        if len(batch) == PIECE_RECORDS:
            yield (b"[" if first else b",") + b",".join(batch)
            first, batch = False, []
    yield (b"[" if first else b",") + b",".join(batch) + b"]" if batch or first else b"]"
