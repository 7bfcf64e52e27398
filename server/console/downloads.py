"""Downloads from the console (exports, a report's photo) without the session's token in a URL.

A browser download is a plain GET the Flet canvas cannot add headers to, and a bearer
token in a query string ends up in access logs and browser history. So the console
(server side, where the token lives) registers a *download ticket*: 32 random bytes,
valid once, for `TICKET_TTL`, bound to one file (an export: format + queue filters; or one
photo of one report) and to the session's token. The browser is sent to
`<mount>/download/<ticket>`; this route redeems the ticket, asks the server's API for the
file with the token in the Authorization header (in process, through the same httpx client
the console uses), and returns it as an attachment. What a log can show is a spent ticket.

Tickets live in the database (`download_tickets`), so whichever server process the
browser's GET reaches can redeem it (docs/deploy.md: the console's websocket sticks to one
process, a download need not). A row holds the ticket's SHA-256 and its payload sealed with
AES-GCM under a key derived from the ticket: what the database shows can't be redeemed, and
the session token inside can't be read without the ticket, which only the browser got.
Redeeming is one `DELETE ... RETURNING`, so two processes can't both spend one ticket.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response
from sqlmodel import col

from sync.canonical import sha256_hex
from sync.crypto import DecryptionError, aead_decrypt, aead_encrypt, derive_key

from ..database import SessionFactory
from ..models import DownloadTicket, table_of
from .api import API

TICKET_TTL = timedelta(seconds=60)
TICKET_KEY_INFO = b"fieldapp/v1/download-ticket"
FORMATS = {"geojson": ("application/geo+json", "geojson"), "csv": ("text/csv; charset=utf-8", "csv")}
EVIDENCE = ("application/zip", "zip")
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_RECORD_ID = re.compile(r"[0-9a-fA-F-]{36}")
_SITREP_NAME = re.compile(r"sitrep-[0-9_-]{10,21}(-[a-z_]+)?\.(pdf|html|json|csv)")


@dataclass(frozen=True)
class Ticket:
    """What one ticket downloads: an API path (asked with `token`) and its query."""

    token: str
    api_path: str
    params: dict[str, str]
    fmt: str | None = None  # an export's format, "evidence" for a package; None for a photo


class TicketStore:
    """Single-use download tickets in the database, each valid for `ttl`."""

    def __init__(
        self, sessions: SessionFactory, *, clock: Callable[[], datetime], ttl: timedelta = TICKET_TTL
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._ttl = ttl

    def issue(self, *, token: str, fmt: str, params: dict[str, str]) -> str:
        """A ticket for an export (`/exports/<fmt>` with the queue's filters)."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r}")
        return self._add(Ticket(token=token, api_path=f"/exports/{fmt}", params=dict(params), fmt=fmt))

    def issue_photo(self, *, token: str, record_id: str, sha256: str) -> str:
        """A ticket for one photo of one report, byte for byte as the device signed it."""
        if not _RECORD_ID.fullmatch(record_id) or not _SHA256.fullmatch(sha256):
            raise ValueError("not a report id and a photo's SHA-256")
        return self._add(
            Ticket(token=token, api_path=f"/reports/{record_id}/attachments/{sha256}", params={})
        )

    def issue_evidence(self, *, token: str, record_id: str) -> str:
        """A ticket for one report's evidence package (a zip `fieldapp verify` checks offline)."""
        if not _RECORD_ID.fullmatch(record_id):
            raise ValueError("not a report id")
        return self._add(
            Ticket(token=token, api_path=f"/reports/{record_id}/evidence", params={}, fmt="evidence")
        )

    def issue_sitrep(self, *, token: str, params: dict[str, str]) -> str:
        """A ticket for a situation report file (docs/sitreps.md): PDF, HTML, signed JSON or CSV."""
        return self._add(Ticket(token=token, api_path="/sitreps", params=dict(params), fmt="sitrep"))

    def _add(self, ticket: Ticket) -> str:
        now = self._clock()
        secret = secrets.token_urlsafe(32)
        key_hash = sha256_hex(secret.encode())
        sealed = aead_encrypt(_key(secret), json.dumps(asdict(ticket)).encode(), key_hash.encode())
        table = table_of(DownloadTicket)
        with self._sessions() as session, session.begin():
            session.execute(sa.delete(table).where(col(DownloadTicket.expires_at) <= now))  # spent by time
            session.execute(
                sa.insert(table).values(ticket_hash=key_hash, sealed=sealed, expires_at=now + self._ttl)
            )
        return secret

    def redeem(self, secret: str) -> Ticket | None:
        """The ticket's file, once; None if unknown, spent or expired."""
        key_hash = sha256_hex(secret.encode())
        table = table_of(DownloadTicket)
        with self._sessions() as session, session.begin():
            row = session.execute(
                sa.delete(table)
                .where(table.c.ticket_hash == key_hash)
                .returning(table.c.sealed, table.c.expires_at)
            ).first()
        if row is None or row.expires_at <= self._clock():  # UTCDateTime: aware, as the clock is
            return None
        try:
            return Ticket(**json.loads(aead_decrypt(_key(secret), row.sealed, key_hash.encode())))
        except (DecryptionError, ValueError, TypeError):
            return None


def _key(secret: str) -> bytes:
    return derive_key(secret.encode(), info=TICKET_KEY_INFO)


def download_router(*, mount_path: str, tickets: TicketStore, client: httpx.AsyncClient) -> APIRouter:
    """`GET <mount_path>/download/{ticket}`: the ticket's file (export or photo) as an attachment."""
    router = APIRouter()

    @router.get(f"{mount_path}/download/{{ticket}}", include_in_schema=False)
    async def download(ticket: str) -> Response:
        found = tickets.redeem(ticket) if len(ticket) <= 64 else None
        if found is None:
            return PlainTextResponse(
                "This download link has expired or was already used. "
                "Start the download again from the console.",
                status_code=410,
            )
        try:
            answer = await client.get(
                f"{API}{found.api_path}",
                params=found.params,
                headers={"Authorization": f"Bearer {found.token}"},
            )
        except httpx.HTTPError:
            return PlainTextResponse("The file could not be fetched. Try again.", status_code=502)
        if answer.status_code != 200:
            return PlainTextResponse(_reason(answer), status_code=answer.status_code)
        media_type, name = _file_type(found, answer)
        return Response(
            content=answer.content,
            media_type=media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )

    return router


def _file_type(found: Ticket, answer: httpx.Response) -> tuple[str, str]:
    """The media type and file name to send: an export's by its format; a photo's as the
    server stored it, named by its SHA-256 (as in the zip export) rather than by the name the
    device sent, so the file on the verifier's disk says which signed hash it must match."""
    if found.fmt == "sitrep":  # the server names the file (sitrep-DAY-LANG.pdf ...)
        name = answer.headers.get("content-disposition", "").partition('filename="')[2].rstrip('"')
        media_type = answer.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        return media_type, name if _SITREP_NAME.fullmatch(name) else "sitrep"
    if found.fmt == "evidence":
        record_id = found.api_path.split("/")[2]
        return EVIDENCE[0], f"evidence-{record_id}.{EVIDENCE[1]}"
    if found.fmt is not None:
        media_type, extension = FORMATS[found.fmt]
        return media_type, f"fieldapp-reports-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.{extension}"
    media_type = answer.headers.get("content-type", "").split(";")[0].strip()
    extension = PHOTO_TYPES.get(media_type, "bin")
    sha256 = found.api_path.rsplit("/", 1)[-1]
    return media_type or "application/octet-stream", f"{sha256}.{extension}"


def _reason(answer: httpx.Response) -> str:
    try:
        body: Any = answer.json()
    except ValueError:
        return "The download was refused."
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail) if detail else "The download was refused."
