"""Request bodies: gzip accepted, size bounded before and after decompression.

A pure ASGI middleware (runs before FastAPI reads the body): it buffers at most the limit,
inflates `Content-Encoding: gzip` with a bounded output (server/inflate.py: a gzip
bomb stops at limit + 1 bytes), and hands the route the plain bytes. Over the limit → 413;
bad gzip → 400; other encodings → 415. Nothing reaches a route, so nothing is stored.
"""

import json
from collections.abc import Callable

from ..inflate import InflatedTooLarge, NotGzip, gunzip_bounded

BODY_METHODS = {b"POST", b"PUT", b"PATCH"}


class BodyLimitMiddleware:
    def __init__(self, app, *, max_bytes: int, limit_for_path: Callable[[str], int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limit_for_path = limit_for_path

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"].encode() not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for_path(scope["path"]) if self.limit_for_path else self.max_bytes
        headers = dict(scope["headers"])
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if encoding not in (b"identity", b"gzip"):
            await _reject(send, 415, "only gzip or uncompressed bodies are accepted")
            return
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                await _reject(send, 400, "bad Content-Length")
                return
            if too_big:
                await _reject(send, 413, f"request body over {limit} bytes")
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _reject(send, 413, f"request body over {limit} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if encoding == b"gzip":
            try:
                body = gunzip_bounded([body], limit)
            except InflatedTooLarge:
                await _reject(send, 413, f"request body over {limit} bytes once decompressed")
                return
            except NotGzip:
                await _reject(send, 400, "the body is not valid gzip")
                return
        new_headers = [
            (k, v) for k, v in scope["headers"] if k not in (b"content-encoding", b"content-length")
        ] + [(b"content-length", str(len(body)).encode())]
        delivered = False

        async def replay():
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": new_headers}, replay, send)


async def _reject(send, status: int, detail: str) -> None:
    payload = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
