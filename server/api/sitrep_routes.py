"""Situation reports for verifiers (docs/sitreps.md): `GET /sitreps` in PDF, HTML, JSON or CSV."""

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from ..database import read_session
from ..sitreps.csv_tables import TABLES
from ..sitreps.definition import latest_day, make_definition
from ..sitreps.service import MEDIA_TYPES, Request, pieces, prepare
from .auth import Verifier
from .context import Ctx
from .errors import ERROR_RESPONSES

router = APIRouter(responses=ERROR_RESPONSES)
Day = Annotated[
    date | None, Query(description="YYYY-MM-DD (default: the newest day whose cut-off has passed)")
]
Table = Literal[
    "violations",
    "kinds",
    "reports",
    "unit_movements",
    "foreign_fighters",
    "heavy_weapons",
    "freedom_of_movement",
]
assert set(TABLES) == set(Table.__args__)  # type: ignore[attr-defined]  # one list of tables


@router.get(
    "/sitreps",
    tags=["sitreps"],
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "text/html": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
            "description": "the situation report (JSON: signed, every counted record's hash)",
        }
    },
)
def sitrep(
    _: Verifier,
    ctx: Ctx,
    date: Day = None,
    from_: Annotated[date | None, Query(alias="from", description="first day of a period")] = None,
    to: Annotated[date | None, Query(description="last day of a period")] = None,
    format: Literal["pdf", "html", "json", "csv"] = "pdf",
    lang: Literal["en", "ar"] = "en",
    table: Table = "violations",
    cutoff: Annotated[str | None, Query(pattern=r"^\d\d:\d\d$", description="HH:MM, default 19:30")] = None,
    tz: Annotated[
        str | None, Query(max_length=64, description="IANA time zone, default Africa/Tripoli")
    ] = None,
    include_pending: bool = False,
    since: Day = None,
) -> Response:
    """The mission's situation report for a day (cut-off 19:30 mission time) or a period."""
    now = ctx.clock()
    definition = make_definition(
        day=date,
        date_from=from_,
        date_to=to,
        cutoff=cutoff,
        time_zone=tz,
        include_pending=include_pending,
        since=since,
        today=latest_day(now, time_zone=tz, cutoff=cutoff),
    )
    request = Request(definition, fmt=format, language=lang, table=table).check()
    disposition = {"Content-Disposition": f'attachment; filename="{request.filename()}"'}
    if format in ("json", "csv"):
        # The session stays open while the body streams; computed before the first byte, so a
        # failure is an error answer rather than a cut-off file.
        stack = ExitStack()
        session = stack.enter_context(read_session(ctx.engine))
        try:
            write = prepare(session, request, keys=ctx.keys, now=now)
        except BaseException:
            stack.close()
            raise
        return StreamingResponse(_closing(write(), stack), media_type=MEDIA_TYPES[format], headers=disposition)
    with read_session(ctx.engine) as session:
        data = b"".join(pieces(session, request, keys=ctx.keys, now=now))
    return Response(data, media_type=MEDIA_TYPES[format], headers=disposition)


def _closing(pieces: Iterator[bytes], stack: ExitStack) -> Iterator[bytes]:
    with stack:
        yield from pieces


def _closing(pieces: Iterator[bytes], stack: ExitStack) -> Iterator[bytes]:
    with stack:
        yield from pieces

