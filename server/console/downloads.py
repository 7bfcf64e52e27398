"""Export downloads from the console without putting the session's token in a URL.

A browser download is a plain GET the Flet canvas cannot add headers to, and a bearer
token in a query string ends up in access logs and browser history. So the console
(server side, where the token lives) registers a *download ticket*: 32 random bytes,
valid once, for `TICKET_TTL`, bound to one export (format + queue filters) and to the
session's token. The browser is sent to `<mount>/download/<ticket>`; this route redeems the
ticket, asks the server's export API for the file with the token in the Authorization
header (in process, through the same httpx client the console uses), and returns it as an
attachment. What a log can show is a spent ticket.

Tickets live in this process's memory: the console's Flet session is tied to the process
that serves its websocket, and the browser asks that same origin for the download right
away. Behind a load balancer, the console path needs sticky sessions anyway (Flet sessions
are in memory too).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from .api import API

TICKET_TTL_SECONDS = 60.0
MAX_TICKETS = 1000
FORMATS = {"geojson": ("application/geo+json", "geojson"), "csv": ("text/csv; charset=utf-8", "csv")}


@dataclass(frozen=True)
class Ticket:
    token: str
    fmt: str
    params: dict[str, str]
    expires: float


class TicketStore:
    """Single-use download tickets, in memory, bounded in number and lifetime."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, ttl: float = TICKET_TTL_SECONDS
    ) -> None:
        self._clock = clock
        self._ttl = ttl
        self._tickets: dict[str, Ticket] = {}
        self._lock = threading.Lock()

    def issue(self, *, token: str, fmt: str, params: dict[str, str]) -> str:
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r}")
        now = self._clock()
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            self._tickets = {k: t for k, t in self._tickets.items() if t.expires > now}
            if len(self._tickets) >= MAX_TICKETS:
                oldest = min(self._tickets, key=lambda k: self._tickets[k].expires)
                del self._tickets[oldest]
            self._tickets[ticket] = Ticket(token=token, fmt=fmt, params=dict(params), expires=now + self._ttl)
        return ticket

    def redeem(self, ticket: str) -> Ticket | None:
        """The ticket's export, once; None if unknown, spent or expired."""
        with self._lock:
            found = self._tickets.pop(ticket, None)
        if found is None or found.expires <= self._clock():
            return None
        return found


def download_router(*, mount_path: str, tickets: TicketStore, client: httpx.AsyncClient) -> APIRouter:
    """`GET <mount_path>/download/{ticket}`: the export file as an attachment."""
    router = APIRouter()

    @router.get(f"{mount_path}/download/{{ticket}}", include_in_schema=False)
    async def download(ticket: str) -> Response:
        found = tickets.redeem(ticket) if len(ticket) <= 64 else None
        if found is None:
            return PlainTextResponse(
                "This download link has expired or was already used. "
                "Start the export again from the console.",
                status_code=410,
            )
        try:
            answer = await client.get(
                f"{API}/exports/{found.fmt}",
                params=found.params,
                headers={"Authorization": f"Bearer {found.token}"},
            )
        except httpx.HTTPError:
            return PlainTextResponse("The export could not be made. Try again.", status_code=502)
        if answer.status_code != 200:
            return PlainTextResponse(_reason(answer), status_code=answer.status_code)
        media_type, extension = FORMATS[found.fmt]
        name = f"fieldapp-reports-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.{extension}"
        return Response(
            content=answer.content,
            media_type=media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )

    return router


def _reason(answer: httpx.Response) -> str:
    try:
        body: Any = answer.json()
    except ValueError:
        return "The export was refused."
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail) if detail else "The export was refused."
