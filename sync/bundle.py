"""Offline bundles: every queued envelope in one file, for a USB stick or a messenger.

Writing a bundle marks nothing as sent: only the server's answer to a push
does that. The server imports a bundle through the same path as a push, so a
later sync of the same records answers `duplicate` and marks them delivered.
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .outbox import Outbox
from .wire import Bundle

PAGE = 1000


def write_bundle(outbox: Outbox, path: str | os.PathLike[str], device_id: str) -> int:
    """Write all queued envelopes to `path` as a `sync.wire.Bundle` (atomically); returns the count.

    The file appears complete or not at all: it is written to a temporary file
    in the same folder, flushed to disk, then renamed over the target.
    """
    envelopes: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = outbox.queued(after=after, limit=PAGE)
        envelopes.extend(item.envelope for item in page)
        if len(page) < PAGE:
            break
        after = page[-1].record_id
    bundle = Bundle(format="fieldapp-bundle", v=1, device_id=device_id, envelopes=envelopes)
    data = bundle.model_dump_json().encode()
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(envelopes)


def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Parse and validate a bundle file (for tools and tests; the server has its own import)."""
    return Bundle.model_validate(json.loads(Path(path).read_bytes()))
