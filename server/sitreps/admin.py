"""`fieldapp admin sitrep ...`: a situation report written to a file (never half-written)."""

import os
from pathlib import Path

from ..context import opened
from ..database import read_session
from ..settings import Settings
from .service import Request, pieces


def write_sitrep(settings: Settings, request: Request, out: Path) -> int:
    """The report into `out` (a temporary file renamed at the end); its size in bytes."""
    request.check()
    temp = out.with_name(f".{out.name}.tmp")
    size = 0
    try:
        with opened(settings) as ctx, read_session(ctx.engine) as session, open(temp, "wb") as file:
            for piece in pieces(session, request, keys=ctx.keys, now=ctx.clock()):
                file.write(piece)
                size += len(piece)
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
    return size
