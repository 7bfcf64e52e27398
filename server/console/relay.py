"""`/console` on the API's port, answered by the console's own process (a byte relay).

`fieldapp serve` runs the verifiers' console in a process of its own (server/console/process.py,
docs/ARCHITECTURE.md "The console's own process"), so that console sessions never share an
event loop or a GIL with the device API. The public port stays the API's: this ASGI
middleware, outermost in the API's app, passes every request under `/console` (pages, the
client's files, downloads, and the sessions' websocket) to the console process on loopback,
and its answers back, without looking inside them. What the API process spends on a console
tab is copying its bytes; diffing, packing and the sessions' state are the console's.

What the console must still learn about the browser travels in headers the console process's
uvicorn believes from loopback only: `X-Forwarded-For` (the browser's address, for the sign-in
throttle and Flet's session key) and `X-Forwarded-Proto`; the `Host` header is passed as it
came, so the console's URLs (the enrolment QR code's server address) name the public origin.

Only httpx and websockets here (no Flet): the API process never imports the console.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import urlsplit

import httpx

log = logging.getLogger("fieldapp.server")

Scope = MutableMapping[str, Any]

# Headers that describe one hop, not the request (RFC 9110 7.6.1), and ours to set.
_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-authenticate",
    b"proxy-authorization",
    b"proxy-connection",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"x-forwarded-host",
}
# Set again by the API's own server on the answer it sends.
_ANSWER_OWN = {b"date", b"server"}
# The websocket handshake's own headers, made again by the relay's client.
_HANDSHAKE = {b"host", b"sec-websocket-key", b"sec-websocket-version", b"sec-websocket-extensions"}
UNAVAILABLE = (
    b"The verifiers' console is not answering just now (it is starting, or it stopped and is being "
    b"restarted). Try again in a moment; device synchronisation is not affected."
)
CONNECT_TIMEOUT_S = 10.0  # `serve` holds the console's socket from the start: a connect is quick
OPEN_TIMEOUT_S = 60.0  # but the answer waits while the console (re)starts: Flet takes seconds to import
READ_TIMEOUT_S = 60.0  # an export or an evidence package is made by the API while the console waits


class ConsoleRelay:
    """ASGI middleware: requests under `path` go to `upstream` (the console process), others to `app`."""

    def __init__(self, app: Any, *, upstream: str, path: str = "/console") -> None:
        self.app = app
        self.upstream = upstream.rstrip("/")
        parts = urlsplit(self.upstream)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = path.rstrip("/")
        self._client: httpx.AsyncClient | None = None

    def _is_console(self, path: str) -> bool:
        return path == self.path or path.startswith(self.path + "/")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http" and self._is_console(scope.get("path", "")):
            await self._http(scope, receive, send)
        elif kind == "websocket" and self._is_console(scope.get("path", "")):
            await self._websocket(scope, receive, send)
        elif kind == "lifespan":
            await self.app(scope, receive, self._closing_on_shutdown(send))
        else:
            await self.app(scope, receive, send)

    def _closing_on_shutdown(self, send: Any) -> Any:
        async def wrapped(message: MutableMapping[str, Any]) -> None:
            if message["type"].startswith("lifespan.shutdown") and self._client is not None:
                await self._client.aclose()
                self._client = None
            await send(message)

        return wrapped

    # -- HTTP -----------------------------------------------------------------------------

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.upstream,
                timeout=httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                follow_redirects=False,
                trust_env=False,  # loopback: never through an HTTP proxy the environment names
            )
        return self._client

    async def _http(self, scope: Scope, receive: Any, send: Any) -> None:
        async def body() -> Any:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                yield message.get("body", b"")
                if not message.get("more_body", False):
                    return

        target = scope.get("raw_path") or scope["path"].encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        client = self.client()
        request = client.build_request(
            scope["method"],
            target.decode("latin-1"),
            headers=_forwarded(scope),
            content=body() if scope["method"] not in ("GET", "HEAD") else None,
        )
        try:
            answer = await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            log.warning("console not answering", extra={"fields": {"error": type(exc).__name__}})
            await _plain(send, 503, UNAVAILABLE)
            return
        try:
            headers = [(k, v) for k, v in answer.headers.raw if k.lower() not in _HOP | _ANSWER_OWN]
            await send({"type": "http.response.start", "status": answer.status_code, "headers": headers})
            async for chunk in answer.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        except httpx.HTTPError:  # the console went away mid-answer: end it; the browser retries
            with contextlib.suppress(Exception):
                await send({"type": "http.response.body", "body": b""})
        finally:
            await answer.aclose()

    # -- websocket ------------------------------------------------------------------------

    async def _websocket(self, scope: Scope, receive: Any, send: Any) -> None:
        import websockets
        from websockets.asyncio.client import connect

        first = await receive()
        if first["type"] != "websocket.connect":
            return
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in _forwarded(scope)
            if k.lower() not in _HANDSHAKE
        ]
        host = _header(scope, b"host") or f"{self.host}:{self.port}"
        target = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        try:
            # The URI names the public host (so the Host header is the browser's); the TCP
            # connection goes to the console process on loopback.
            upstream = await connect(
                f"ws://{host}{target}",
                host=self.host,
                port=self.port,
                additional_headers=headers,
                user_agent_header=None,
                compression=None,  # loopback: compressing here would only spend the API's CPU
                open_timeout=OPEN_TIMEOUT_S,
                ping_interval=None,  # the browser's side keeps the connection alive
                max_size=None,
                proxy=None,
            )
        except (OSError, websockets.WebSocketException, asyncio.TimeoutError) as exc:
            log.warning("console websocket not answering", extra={"fields": {"error": type(exc).__name__}})
            await send({"type": "websocket.close", "code": 1013})  # try again later
            return
        await send({"type": "websocket.accept"})
        async with upstream:
            await _pump(upstream, receive, send)


async def _pump(upstream: Any, receive: Any, send: Any) -> None:
    """Frames both ways until either side closes; then close the other."""
    import websockets

    async def downstream_to_upstream() -> None:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("bytes")
            await upstream.send(data if data is not None else message.get("text", ""))

    async def upstream_to_downstream() -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for data in upstream:
                if isinstance(data, bytes):
                    await send({"type": "websocket.send", "bytes": data})
                else:
                    await send({"type": "websocket.send", "text": data})

    tasks = [asyncio.ensure_future(downstream_to_upstream()), asyncio.ensure_future(upstream_to_downstream())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
    with contextlib.suppress(Exception):
        await send({"type": "websocket.close", "code": 1000})


def _forwarded(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The request's headers for the console: end-to-end ones, and who the browser is."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in _HOP]
    client = scope.get("client")
    if client:
        headers.append((b"x-forwarded-for", str(client[0]).encode("latin-1")))
    secure = scope.get("scheme") in ("https", "wss")
    headers.append((b"x-forwarded-proto", b"https" if secure else b"http"))
    return headers


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _plain(send: Any, status: int, text: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(text)).encode()),
                (b"retry-after", b"5"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": text})
