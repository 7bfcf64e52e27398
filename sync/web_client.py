"""Serve web pages that ask no host but their own (docs/security.md, "A stranger on the network").

Both web pages the project serves are Flet's Flutter client from the installed flet-web
wheel: the observer app (`fieldapp app --web`, at /) and the verifiers' console (`fieldapp
serve`, at /console). With `no_cdn` the client takes its renderer and fonts from the wheel,
but flet-web 1.0.5's client still names one CDN: once the page's accessibility tree is on
(a screen reader, a browser test) it appends a `<script>` for the Rive runtime from
cdn.jsdelivr.net (`wasm/rive_native.js`, then `wasm_compatibility/rive_native.js`). On a
connected laptop that tells a third party the monitor's or verifier's address.

`OwnOriginMiddleware` (plain ASGI, standard library only: this module ships to the phone
with `sync`, where nothing serves a web page, and must import nothing the phone lacks)
wraps the app that serves a client and:

- answers `<mount>/main.dart.js` and `<mount>/main.dart.wasm` (the two builds of the client;
  Chromium takes the wasm one) with the wheel's files in which the CDN's address is replaced
  by a relative one of the same length: `./` segments (which URL parsing removes) before
  `rive-native/`. Same length, because the wasm module stores the string with its length
  in front; nothing else in either file changes. The script then resolves against the
  page's `<base href>`, i.e. inside the mount.
- answers `<mount>/rive-native/wasm/rive_native.js` (and `wasm_compatibility/`) with a stub
  whose `RiveNative()` resolves to null: the client's own "Rive not available" path (it
  tries the second file, then reports Rive uninitialised). Nothing in either app draws Rive.
- adds a Content-Security-Policy that allows no other origin to every HTTP answer (pages,
  assets, the API); an HTML answer also gets the hashes of its inline scripts (Flet writes
  its configuration inline into index.html) and is never cached, so a revalidated page can't
  keep a policy without them.

What else the client could fetch from elsewhere stays unused: the CanvasKit (gstatic) and
Noto fallback font (Google Fonts) addresses are defaults that Flet's `no_cdn` configuration
replaces with local paths; if a later client ignored that, the policy stops the request.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

RIVE_CDN = b"https://cdn.jsdelivr.net/npm/@rive-app/flutter-native-wasm@44.0.0/"
RIVE_DIR = "rive-native"
RIVE_LOCAL = (b"./" * ((len(RIVE_CDN) - len(RIVE_DIR) - 1) // 2)) + RIVE_DIR.encode() + b"/"
if len(RIVE_LOCAL) != len(RIVE_CDN):  # the wasm module's string keeps its length
    raise RuntimeError("the local Rive address must be as long as the CDN's")
CLIENT_FILES = {"main.dart.js": "text/javascript", "main.dart.wasm": "application/wasm"}
RIVE_STUBS = ("wasm/rive_native.js", "wasm_compatibility/rive_native.js")
RIVE_STUB = (
    b"// FieldApp serves no Rive runtime (nothing here draws Rive): the client asked the\n"
    b"// cdn.jsdelivr.net copy; this answer keeps the request on this host (sync/web_client.py).\n"
    b"window.RiveNative = function () { return Promise.resolve(null); };\n"
)

# What Flutter's web client needs and nothing more: its wasm (compiled with
# 'wasm-unsafe-eval', no JavaScript eval), the renderer's worker from a blob: URL, inline
# styles (the engine styles its own elements), images and fonts from data:/blob: URLs it
# makes itself, and its websocket to this origin ('self' covers ws: of the same host).
POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self' data:"),
    ("connect-src", "'self' data: blob:"),
    ("media-src", "'self' data: blob:"),
    ("worker-src", "'self' blob:"),
    ("manifest-src", "'self'"),
    ("frame-src", "'none'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_CHUNK = 256 * 1024


def content_security_policy(inline_scripts: Sequence[bytes] = ()) -> str:
    """The policy, allowing exactly these inline scripts (by SHA-256) besides this origin's files."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'" for script in inline_scripts
    )
    return "; ".join(f"{name} {value}{hashes if name == 'script-src' else ''}" for name, value in POLICY)


def policy_for_html(body: bytes) -> str:
    return content_security_policy(_INLINE_SCRIPT.findall(body))


@dataclasses.dataclass(frozen=True)
class FlutterClient:
    """A Flet web client served at `mount` ("/" or "/console") from `web_dir` (the wheel's web/)."""

    mount: str
    web_dir: Path

    def path(self, name: str) -> str:
        return f"{self.mount.rstrip('/')}/{name}"


@dataclasses.dataclass
class _Patched:
    path: Path
    offsets: tuple[int, ...]
    size: int
    etag: str


def patch_offsets(data: bytes) -> tuple[int, ...]:
    """Where the Rive CDN's address sits in a client file."""
    offsets, start = [], data.find(RIVE_CDN)
    while start >= 0:
        offsets.append(start)
        start = data.find(RIVE_CDN, start + len(RIVE_CDN))
    return tuple(offsets)


def patched(data: bytes) -> bytes:
    """A client file with the CDN's address pointing at this origin (same length)."""
    return data.replace(RIVE_CDN, RIVE_LOCAL)


class OwnOriginMiddleware:
    """ASGI middleware: the patched client, the Rive stub, and the policy on every answer."""

    def __init__(self, app: App, *, clients: Sequence[FlutterClient] = ()) -> None:
        self.app = app
        self.files: dict[str, tuple[Path, str]] = {}
        self.stubs: set[str] = set()
        for client in clients:
            for name, media_type in CLIENT_FILES.items():
                self.files[client.path(name)] = (client.web_dir / name, media_type)
            self.stubs.update(client.path(f"{RIVE_DIR}/{stub}") for stub in RIVE_STUBS)
        self._patched: dict[str, _Patched] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if scope.get("method") in ("GET", "HEAD") and path in self.stubs:
            await self._answer(scope, send, RIVE_STUB, "text/javascript")
            return
        if scope.get("method") in ("GET", "HEAD") and path in self.files and self.files[path][0].is_file():
            await self._client_file(scope, send, path)
            return
        extensions = scope.get("extensions") or {}
        if "http.response.pathsend" in extensions:
            # A page must come as body messages, or its inline scripts can't be hashed.
            scope = {
                **scope,
                "extensions": {k: v for k, v in extensions.items() if k != "http.response.pathsend"},
            }
        if _is_navigation(scope):
            # The page is always sent whole, with its policy (a 304 would keep the cached
            # page but update its headers with a policy lacking the inline scripts' hashes).
            headers = [(k, v) for k, v in scope.get("headers", []) if not k.lower().startswith(b"if-")]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, _PolicySender(send))

    async def _client_file(self, scope: Scope, send: Send, path: str) -> None:
        source, media_type = self.files[path]
        entry = self._patched.get(path)
        if entry is None:
            entry = await asyncio.to_thread(_prepare, source)  # ~10 MB read once, off the loop
            self._patched[path] = entry
        if entry.etag.encode() in (_header(scope, b"if-none-match") or b""):
            await self._start(send, 304, [(b"etag", entry.etag.encode())])
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [
            (b"content-type", media_type.encode()),
            (b"content-length", str(entry.size).encode()),
            (b"etag", entry.etag.encode()),
            (b"cache-control", b"no-cache"),
        ]
        await self._start(send, 200, headers)
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        with entry.path.open("rb") as file:
            position = 0
            while chunk := await asyncio.to_thread(file.read, _CHUNK):
                chunk = _splice(chunk, position, entry.offsets)
                position += len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": position < entry.size})
        if position < entry.size:  # the file shrank under us: end the answer anyway
            await send({"type": "http.response.body", "body": b""})

    async def _answer(self, scope: Scope, send: Send, body: bytes, media_type: str) -> None:
        headers = [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]
        await self._start(send, 200, headers)
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    @staticmethod
    async def _start(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        # The same isolation headers as Flet's own answers (its renderer's threads need them).
        headers = [
            *headers,
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-embedder-policy", b"require-corp"),
            *_policy_headers(content_security_policy()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})


def _prepare(source: Path) -> _Patched:
    """Where to patch a client file, its size and the patched file's ETag."""
    data = source.read_bytes()
    digest = hashlib.sha256(patched(data)).hexdigest()[:32]
    return _Patched(source, patch_offsets(data), len(data), f'"{digest}"')


def _splice(chunk: bytes, position: int, offsets: tuple[int, ...]) -> bytes:
    """`chunk` (file bytes from `position`) with the CDN address replaced where it overlaps."""
    end = position + len(chunk)
    for offset in offsets:
        if offset < end and offset + len(RIVE_CDN) > position:
            buffer = bytearray(chunk)
            for index in range(max(offset, position), min(offset + len(RIVE_CDN), end)):
                buffer[index - position] = RIVE_LOCAL[index - offset]
            chunk = bytes(buffer)
    return chunk


class _PolicySender:
    """Wraps `send`: adds the policy to the answer; an HTML answer is held until its body is
    complete, to hash its inline scripts, and marked not to be stored."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: Message | None = None
        self.body: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"
            ]
            content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            if content_type.startswith(b"text/html"):
                self.start = {**message, "headers": headers}
                return
            await self.send({**message, "headers": [*headers, *_policy_headers(content_security_policy())]})
            return
        if self.start is None or message["type"] != "http.response.body":
            await self.send(message)
            return
        self.body.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(self.body)
        kept = [(k, v) for k, v in self.start["headers"] if k.lower() not in _NOT_FOR_HTML]
        headers = [*kept, (b"cache-control", b"no-store"), *_policy_headers(policy_for_html(body))]
        await self.send({**self.start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})


_NOT_FOR_HTML = {b"etag", b"last-modified", b"cache-control"}


def _policy_headers(policy: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", policy.encode()),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
    ]


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for key, value in scope.get("headers", []) if key.lower() == name), None)


def _is_navigation(scope: Scope) -> bool:
    return _header(scope, b"sec-fetch-dest") == b"document" or (_header(scope, b"accept") or b"").startswith(
        b"text/html"
    )
