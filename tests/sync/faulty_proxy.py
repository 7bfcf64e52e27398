"""A small threaded TCP proxy on loopback that misbehaves on request, for fault-injection tests.

    with FaultyProxy(upstream_port) as proxy:       # listens on 127.0.0.1:proxy.port
        proxy.go_offline(); proxy.go_online()       # refuse connections (listener closed), and back
        proxy.delay = 0.05                          # every chunk waits this long, both ways
        proxy.arm(Fault("cut_request", after=3000))  # next submission: cut after 3000 request bytes
        proxy.arm(Fault("cut_response", after=40))   # next submission: server answers, we cut
        proxy.arm(Fault("busy", retry_after=1))      # next submission: 503 + Retry-After, not forwarded
        proxy.arm(Fault("hold_request", after=3000)) # next submission: stall after N bytes until release()
        proxy.arm(Fault("hold_response"))           # next submission: answered by the server; stall it

Faults apply to requests that start with `match` (default `POST /api/v1/submissions`),
in the order armed, each once. Everything is bounded: sockets time out, holds wait at most
`hold_timeout` seconds, and `close()` ends every thread.
"""

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from typing import Literal

SUBMISSIONS = b"POST /api/v1/submissions"
# "pass" lets one matching request through untouched (to aim a later fault at the 2nd one).
FaultKind = Literal["pass", "cut_request", "cut_response", "busy", "hold_request", "hold_response"]


@dataclass
class Fault:
    kind: FaultKind
    after: int = 0  # bytes of the request (cut/hold_request) or response (cut_response) let through
    retry_after: int = 1
    match: bytes = SUBMISSIONS
    fired: threading.Event = field(default_factory=threading.Event)  # set when the fault happened


class FaultyProxy:
    def __init__(self, upstream_port: int, *, port: int = 0, hold_timeout: float = 30.0) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.delay = 0.0
        self.hold_timeout = hold_timeout
        self.released = threading.Event()
        self.requests_seen: list[bytes] = []  # first line of each request that went through
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._connections: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.port = port
        self._threads: list[threading.Thread] = []
        self._accept_thread: threading.Thread | None = None
        self.go_online()

    # -- control ---------------------------------------------------------------------------

    def arm(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def release(self) -> None:
        """Let held traffic through (or rather: end the hold; the held connection is then cut)."""
        self.released.set()

    def go_offline(self) -> None:
        """Refuse new connections and drop the open ones, as when the network goes away."""
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown wakes a blocked accept(); joining the loop makes sure the kernel has
            # stopped listening before we return (else a connect could still land in the backlog).
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
            if self._accept_thread is not None:
                self._accept_thread.join(timeout=5)
        self._drop_connections()

    def go_online(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.2)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accept_thread = self._spawn(self._accept_loop, listener)

    def close(self) -> None:
        self._closing.set()
        self.released.set()
        self.go_offline()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> "FaultyProxy":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- plumbing ----------------------------------------------------------------------------

    def _spawn(self, target, *args) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def _drop_connections(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, set()
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept_loop(self, listener: socket.socket) -> None:
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
                client.close()  # upstream down: the client sees the connection closed
                continue
            client.settimeout(60)
            server.settimeout(60)
            with self._lock:
                self._connections.update((client, server))
            self._spawn(self._connection, client, server)

    def _take_fault(self, first_line: bytes) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if first_line.startswith(fault.match):
                    self._faults.remove(fault)
                    return fault
        return None

    def _connection(self, client: socket.socket, server: socket.socket) -> None:
        # One thread per direction; the request direction decides which fault the
        # following response gets (httpx sends one request at a time per connection).
        state: dict[str, Fault | None] = {"response_fault": None}
        self._spawn(self._pump_responses, server, client, state)
        self._pump_requests(client, server, state)

    def _pump_requests(self, client: socket.socket, server: socket.socket, state: dict) -> None:
        fault: Fault | None = None
        passed = 0
        try:
            while not self._closing.is_set():
                data = client.recv(65536)
                if not data:
                    break
                if _starts_request(data):
                    self.requests_seen.append(data.split(b"\r\n", 1)[0])
                    fault, passed = self._take_fault(data), 0
                    if fault is not None and fault.kind == "pass":
                        fault.fired.set()
                        fault = None
                    state["response_fault"] = (
                        fault if fault and fault.kind in ("cut_response", "hold_response") else None
                    )
                    if fault is not None and fault.kind == "busy":
                        self._answer_busy(client, data, fault)
                        return
                if fault is not None and fault.kind in ("cut_request", "hold_request"):
                    room = fault.after - passed
                    if len(data) >= room:
                        self._send(server, data[:room])
                        fault.fired.set()
                        if fault.kind == "hold_request":
                            self.released.wait(self.hold_timeout)
                        return
                    passed += len(data)
                self._send(server, data)
        except OSError:
            pass
        finally:
            self._close(client, server)

    def _pump_responses(self, server: socket.socket, client: socket.socket, state: dict) -> None:
        passed = 0
        try:
            while not self._closing.is_set():
                data = server.recv(65536)
                if not data:
                    break
                fault = state["response_fault"]
                if fault is not None:
                    if fault.kind == "hold_response":
                        fault.fired.set()
                        self.released.wait(self.hold_timeout)
                        return
                    room = fault.after - passed
                    if len(data) >= room:
                        self._send(client, data[:room])
                        fault.fired.set()
                        return
                    passed += len(data)
                self._send(client, data)
        except OSError:
            pass
        finally:
            self._close(client, server)

    def _send(self, sock: socket.socket, data: bytes) -> None:
        if self.delay:
            self._closing.wait(self.delay)
        sock.sendall(data)

    def _answer_busy(self, client: socket.socket, first: bytes, fault: Fault) -> None:
        # Read the whole request first: closing with unread data would reset the connection
        # before the client reads the answer.
        data = first
        while b"\r\n\r\n" not in data:
            data += client.recv(65536)
        head, body = data.split(b"\r\n\r\n", 1)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                break
            body += chunk
        answer = (
            b"HTTP/1.1 503 Service Unavailable\r\n"
            + f"Retry-After: {fault.retry_after}\r\n".encode()
            + b"Content-Type: application/json\r\nContent-Length: 21\r\nConnection: close\r\n\r\n"
            + b'{"detail":"too busy"}'
        )
        client.sendall(answer)
        fault.fired.set()

    def _close(self, *socks: socket.socket) -> None:
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            with self._lock:
                self._connections.discard(sock)


def _starts_request(data: bytes) -> bool:
    return data[:8].split(b" ", 1)[0] in (b"GET", b"POST", b"PUT", b"DELETE", b"HEAD", b"PATCH")
