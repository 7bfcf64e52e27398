"""A situation report in the format asked for, from one consistent snapshot of the database.

Every format is computed from the same pass (`compute`) and, for the lists, the same ordered
reads, inside one read transaction (SQLite: a WAL snapshot; PostgreSQL: REPEATABLE READ), so
a decision landing meanwhile can't make a list disagree with the numbers.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..keys import ServerKeys
from .compute import Context, Sitrep, compute, reports_in_period
from .csv_tables import TABLES, csv_pieces
from .definition import SitrepDefinition
from .document import json_pieces

FORMATS = ("pdf", "html", "json", "csv")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
LISTED_IN_PRINT = 3000  # reports listed in a PDF or HTML; the JSON and CSV list every one


@dataclass(frozen=True)
class Request:
    definition: SitrepDefinition
    fmt: str = "pdf"
    language: str = "en"
    table: str = "violations"

    def check(self) -> "Request":
        if self.fmt not in FORMATS:
            raise InvalidInput(f"unknown format {self.fmt!r} (choose from {', '.join(FORMATS)})")
        if self.language not in ("en", "ar"):
            raise InvalidInput("the language is en or ar")
        if self.table not in TABLES:
            raise InvalidInput(f"unknown table {self.table!r} (choose from {', '.join(TABLES)})")
        return self

    def filename(self) -> str:
        d = self.definition
        days = d.date_to.isoformat() if d.date_from == d.date_to else f"{d.date_from}_{d.date_to}"
        suffix = f"-{self.table}" if self.fmt == "csv" else "" if self.fmt == "json" else f"-{self.language}"
        return f"sitrep-{days}{suffix}.{self.fmt}"


def snapshot(session: Session) -> None:
    """Make the rest of this (fresh, read-only) transaction read one snapshot on PostgreSQL
    (SQLite's read transaction already does)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))


def pieces(session: Session, request: Request, *, keys: ServerKeys, now: datetime) -> Iterator[bytes]:
    """The file, in pieces (JSON and CSV streamed; PDF and HTML are one piece)."""
    return prepare(session, request, keys=keys, now=now)()


def prepare(session: Session, request: Request, *, keys: ServerKeys, now: datetime) -> Callable[[], Iterator[bytes]]:
    """Compute the report now (so a failure is an error answer, not a cut-off stream) and return
    what writes it."""
    request.check()
    snapshot(session)
    context = Context(session)
    sitrep = compute(session, request.definition, server_key=keys.sign_public_b64, now=now, context=context)

    def write() -> Iterator[bytes]:
        if request.fmt == "json":
            yield from json_pieces(session, sitrep, context, keys)
        elif request.fmt == "csv":
            for text in csv_pieces(sitrep, request.table, reports_in_period(session, sitrep, context)):
                yield text.encode("utf-8")
        else:
            yield printed(session, sitrep, context, request)

    return write


def printed(session: Session, sitrep: Sitrep, context: Context, request: Request) -> bytes:
    from .html import render_html
    from .map_annex import render_annex
    from .pdf import render_pdf

    total = sitrep.tables["totals"]["reports"]
    reports = list(islice(reports_in_period(session, sitrep, context), LISTED_IN_PRINT))
    # The map shows every report of the period (their points only), read again if not all listed.
    points = reports if len(reports) == total else _points(session, sitrep, context)
    map_png = render_annex(points, sitrep.map["shapes"])
    if request.fmt == "pdf":
        return render_pdf(sitrep, reports, total_reports=total, language=request.language, map_png=map_png)
    return render_html(
        sitrep, reports, total_reports=total, language=request.language, map_png=map_png
    ).encode()


def _points(session: Session, sitrep: Sitrep, context: Context) -> list[dict[str, object]]:
    from .records import counted

    w = sitrep.window
    return [
        {"lat": r.lat, "lon": r.lon, "kind": r.kind}
        for r in counted(
            session, states=sitrep.definition.states, start=w.start, end=w.end, areas=context.areas
        )
    ]


def sitrep_for(session: Session, definition: SitrepDefinition, *, keys: ServerKeys, now: datetime) -> Sitrep:
    """The report's content (what the console page shows)."""
    snapshot(session)
    return compute(session, definition, server_key=keys.sign_public_b64, now=now)
