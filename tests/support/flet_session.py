"""A console tab without a browser: Flet 1.0.5's websocket protocol, spoken as its client does.

    async with FletTab.open(base_url) as tab:            # ws://.../console/ws, registered
        await tab.sign_in("vera", PASSWORD)              # fills the form, clicks, waits for the queue
        row = await tab.wait_for_prefix("queue-row-")
        await tab.click(row)                             # a control's on_click, as a tap sends it
        await tab.wait_for("audit-trail")

What travels (flet_web/fastapi/flet_app.py, flet/messaging/protocol.py): binary frames
`0x00 + msgpack([action, body])`. The client registers first (REGISTER_CLIENT with its page
properties; the answer holds the whole page as a control tree), then the server sends
PATCH_CONTROL messages (`{"id": control, "patch": [path tree, op, op, ...]}`: replace, add,
remove, move at a path under that control), and the client sends CONTROL_EVENT (`click` on a
control id) and UPDATE_CONTROL_PROPS (a text field's new value). Controls are maps with `_i`
(id) and `_c` (type); `tagged(...)` (server/console/views/widgets.py) wraps one in a
Semantics whose `identifier` is what tests find it by, as the browser tests do.

This uses flet's wire format, not its Python API: it is pinned with flet (constraints), and
the bench (bench/console.py) and the isolation and session tests use it. It counts the bytes
it receives (`received_bytes`) for the bench's per-action figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import msgpack
import websockets
from websockets.asyncio.client import ClientConnection, connect

REGISTER_CLIENT, PATCH_CONTROL, CONTROL_EVENT, UPDATE_CONTROL_PROPS, INVOKE_METHOD, SESSION_CRASHED = 1, 2, 3, 4, 5, 6
REPLACE, ADD, REMOVE, MOVE = 0, 1, 2, 3
# What the Flutter web client tells the server about its page when it registers.
PAGE = {
    "route": "/",
    "web": True,
    "pwa": False,
    "platform": "linux",
    "width": 1400.0,
    "height": 900.0,
    "window": {"width": 1400.0, "height": 900.0},
    "media": {"padding": {}, "view_padding": {}, "view_insets": {}, "device_pixel_ratio": 1.0},
}


class SessionCrashed(RuntimeError):
    pass


class FletTab:
    """One browserless console tab on a websocket."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.page: dict[str, Any] = {}
        self.session_id = ""
        self.received_bytes = 0
        self.messages = 0
        self._index: dict[int, dict[str, Any]] = {}
        self._tags: dict[str, dict[str, Any]] = {}
        self._dirty = True
        self._changed = asyncio.Condition()
        self._reader: asyncio.Task | None = None
        self.closed = False
        self.last_message_at = time.monotonic()

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls, base_url: str, *, path: str = "/console", user_agent: str = "bench-tab", session_id: str = ""
    ) -> AsyncIterator[FletTab]:
        tab = await cls.connect(base_url, path=path, user_agent=user_agent, session_id=session_id)
        try:
            yield tab
        finally:
            await tab.close()

    @classmethod
    async def connect(
        cls, base_url: str, *, path: str = "/console", user_agent: str = "bench-tab", session_id: str = ""
    ) -> FletTab:
        url = base_url.replace("http://", "ws://", 1).rstrip("/") + f"{path}/ws"
        socket = await connect(
            url, max_size=None, compression=None, user_agent_header=user_agent, open_timeout=30, proxy=None
        )
        tab = cls(socket)
        await tab._send([REGISTER_CLIENT, {"session_id": session_id, "page_name": path.strip("/"), "page": PAGE}])
        first = await asyncio.wait_for(tab._receive(), timeout=60)
        if first[0] != REGISTER_CLIENT:
            raise RuntimeError(f"expected the registration answer, got action {first[0]}")
        body = first[1]
        if body.get("error"):
            raise SessionCrashed(body["error"])
        tab.session_id = body["session_id"]
        tab.page = body["page_patch"]
        tab._reader = asyncio.create_task(tab._read())
        return tab

    async def close(self) -> None:
        """Close the websocket, as a closed tab does (the server keeps the session for its grace)."""
        self.closed = True
        await self.socket.close()
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader

    # -- wire -----------------------------------------------------------------------------

    async def _send(self, message: list[Any]) -> None:
        await self.socket.send(b"\x00" + msgpack.packb(message))

    async def _receive(self) -> list[Any]:
        data = await self.socket.recv()
        assert isinstance(data, bytes)
        self.received_bytes += len(data)
        self.messages += 1
        self.last_message_at = time.monotonic()
        if data[:1] != b"\x00":
            return [0, None]  # a data-channel frame: nothing the console uses
        return msgpack.unpackb(data[1:], raw=False, strict_map_key=False)

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed, asyncio.CancelledError):
            while True:
                action, body = await self._receive()
                if action == PATCH_CONTROL:
                    self._apply(body["id"], body["patch"])
                elif action == INVOKE_METHOD:  # e.g. the URL launcher: answer as a browser would
                    await self._send(
                        [
                            INVOKE_METHOD,
                            {"control_id": body["control_id"], "call_id": body["call_id"], "result": None, "error": None},
                        ]
                    )
                elif action == SESSION_CRASHED:
                    self.closed = True
                    raise SessionCrashed(str(body))
                async with self._changed:
                    self._changed.notify_all()
        self.closed = True
        async with self._changed:
            self._changed.notify_all()

    # -- the page's control tree ----------------------------------------------------------

    def _apply(self, control_id: int, patch: list[Any]) -> None:
        root = self.control(control_id) if control_id != self.page.get("_i") else self.page
        if root is None:
            return
        paths: dict[int, list[Any]] = {}

        def walk(node: list[Any], path: list[Any]) -> None:
            paths[node[0]] = path
            for key, child in (node[1] if len(node) > 1 else {}).items():
                walk(child, [*path, key])

        walk(patch[0], [])

        def at(node: int) -> Any:
            target: Any = root
            for key in paths[node]:
                target = target[key]
            return target

        for op in patch[1:]:
            kind = op[0]
            if kind == REPLACE:
                at(op[1])[op[2]] = op[3]
            elif kind == ADD:
                parent = at(op[1])
                if isinstance(parent, list):
                    parent.insert(op[2], op[3])
                else:
                    parent[op[2]] = op[3]
            elif kind == REMOVE:
                parent = at(op[1])
                if isinstance(parent, list):
                    parent.pop(op[2])
                else:
                    parent.pop(op[2], None)
            elif kind == MOVE:
                source = at(op[1])
                value = source.pop(op[2])
                target = at(op[3])
                if isinstance(target, list):
                    target.insert(op[4], value)
                else:
                    target[op[4]] = value
        self._dirty = True

    def _reindex(self) -> None:
        if not self._dirty:
            return
        index: dict[int, dict[str, Any]] = {}
        tags: dict[str, dict[str, Any]] = {}
        for control in _controls(self.page):
            index[control["_i"]] = control
            identifier = control.get("identifier")
            if identifier and control.get("_c") == "Semantics":
                tags[identifier] = control
        self._index, self._tags, self._dirty = index, tags, False

    def control(self, control_id: int) -> dict[str, Any] | None:
        self._reindex()
        return self._index.get(control_id)

    def tagged(self, identifier: str) -> dict[str, Any] | None:
        """The control inside the Semantics with this identifier, if it is on the page."""
        self._reindex()
        semantics = self._tags.get(identifier)
        return semantics.get("content") if semantics else None

    def identifiers(self, prefix: str = "") -> list[str]:
        self._reindex()
        return [name for name in self._tags if name.startswith(prefix)]

    def text_of(self, identifier: str) -> str:
        control = self.tagged(identifier) or {}
        return " ".join(str(t) for t in _texts(control))

    async def wait_until(self, check: Any, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                found = check()
                if found:
                    return found
                if self.closed:
                    raise ConnectionError("the console closed this tab's websocket")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"not on the page within {timeout:g} s: {check}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=left)

    async def wait_for(self, identifier: str, timeout: float = 30.0) -> dict[str, Any]:
        return await self.wait_until(lambda: self.tagged(identifier), timeout)

    async def wait_for_prefix(self, prefix: str, timeout: float = 30.0) -> str:
        found = await self.wait_until(lambda: self.identifiers(prefix), timeout)
        return found[0]

    async def wait_gone(self, identifier: str, timeout: float = 30.0) -> None:
        await self.wait_until(lambda: self.tagged(identifier) is None, timeout)

    async def quiet(self, seconds: float = 0.3, timeout: float = 30.0) -> None:
        """Until nothing arrived for `seconds` (the server finished what it was sending)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            idle = time.monotonic() - self.last_message_at
            if idle >= seconds:
                return
            await asyncio.sleep(seconds - idle)

    # -- what a user does -----------------------------------------------------------------

    async def click(self, identifier: str) -> None:
        control = self.tagged(identifier)
        if control is None:
            raise LookupError(f"{identifier} is not on the page")
        await self._send([CONTROL_EVENT, {"target": control["_i"], "name": "click", "data": None}])

    async def type_into(self, identifier: str, text: str) -> None:
        control = self.tagged(identifier)
        if control is None:
            raise LookupError(f"{identifier} is not on the page")
        control["value"] = text
        await self._send([UPDATE_CONTROL_PROPS, {"id": control["_i"], "props": {"value": text}}])
        await self._send([CONTROL_EVENT, {"target": control["_i"], "name": "change", "data": text}])

    async def sign_in(self, username: str, password: str, timeout: float = 60.0) -> None:
        await self.wait_for("login-username", timeout)
        await self.type_into("login-username", username)
        await self.type_into("login-password", password)
        await self.click("login-submit")
        await self.wait_for("sign-out", timeout)

    async def sign_out(self) -> None:
        await self.click("sign-out")
        await self.wait_for("login-username")


def _controls(value: Any) -> Iterator[dict[str, Any]]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "_i" in item and "_c" in item:
                yield item
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))


def _texts(control: dict[str, Any]) -> Iterator[Any]:
    for item in _controls(control):
        for key in ("value", "content", "text"):
            if isinstance(item.get(key), str):
                yield item[key]
