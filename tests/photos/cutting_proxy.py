"""A tiny loopback TCP proxy for photo uploads: cut the upload after N bytes (and then
refuse connections, as a dead network does, until `go_online()`), or flip one byte in the
body of the Nth chunk request (a chunk damaged on the way).

    with CuttingProxy(server_port) as proxy:
        proxy.cut_after = 2_000_000      # chunk-request bytes let through, then cut + offline
        proxy.corrupt_request = 3        # flip a byte in the 3rd chunk request's body
        ... http://127.0.0.1:{proxy.port} ...

Only requests starting with `POST /api/v1/attachments` count. Threads, sockets and waits
are bounded; `close()` ends everything.
"""

import contextlib
import socket
import threading

MATCH = b"POST /api/v1/attachments"


class CuttingProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.cut_after: int | None = None
        self.corrupt_request: int | None = None
        self.forwarded = 0  # chunk-request bytes let through
        self.chunk_requests = 0
        self.cuts = 0
        self.corrupted = 0
        self.port = 0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self.go_online()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def go_online(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.2)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept, listener)

    def go_offline(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            self._close(sock)

    def close(self) -> None:
        self._closing.set()
        self.go_offline()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> "CuttingProxy":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------------

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket) -> None:
        while not self._closing.is_set() and self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            for sock in (client, server):
                sock.settimeout(30)
            with self._lock:
                self._sockets.update((client, server))
            self._spawn(self._pump, server, client, False)
            self._spawn(self._pump, client, server, True)

    def _pump(self, source: socket.socket, target: socket.socket, requests: bool) -> None:
        matching = False
        flip_at: int | None = None  # stream position of the byte to flip in this request
        position = 0
        try:
            while not self._closing.is_set():
                data = source.recv(65536)
                if not data:
                    break
                if requests and data[:8].split(b" ", 1)[0] in (b"GET", b"POST", b"PUT", b"DELETE"):
                    matching, position, flip_at = data.startswith(MATCH), 0, None
                    if matching:
                        with self._lock:
                            self.chunk_requests += 1
                            if self.chunk_requests == self.corrupt_request:
                                head_end = data.find(b"\r\n\r\n")
                                flip_at = head_end + 4 + 100 if head_end >= 0 else None
                if requests and matching:
                    if flip_at is not None and position <= flip_at < position + len(data):
                        data = bytearray(data)
                        data[flip_at - position] ^= 0x01
                        data = bytes(data)
                        self.corrupted += 1
                    position += len(data)
                    with self._lock:
                        room = None if self.cut_after is None else self.cut_after - self.forwarded
                        if room is not None and len(data) >= room:
                            self.forwarded += max(room, 0)
                            self.cut_after, self.cuts = None, self.cuts + 1
                            cut = True
                        else:
                            self.forwarded += len(data)
                            cut = False
                    if cut:
                        target.sendall(data[: max(room, 0)])
                        self.go_offline()  # the network is gone until the test brings it back
                        return
                target.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source)
            self._close(target)

    def _close(self, sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        with self._lock:
            self._sockets.discard(sock)
