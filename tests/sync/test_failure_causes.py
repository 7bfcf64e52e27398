"""Why a sync could not reach the server, told apart on real loopback sockets: nothing
listening, a plain-HTTP server spoken to over TLS, a web server that is not FieldApp (404 on
the API path, or a 200 page that is not the health answer), a server that hangs."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from sync.failures import CredentialError, NotEnrolledError, ServerBusyError, Stopped, cause_of
from sync.transport import SyncClient


class _Web(BaseHTTPRequestHandler):
    """A web server that is not FieldApp: 404 everywhere, or an HTML page."""

    status = 404

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = b"<html>hello</html>"
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def web_server(status: int) -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Web)
    server.status = status  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def probe_cause(url: str) -> str:
    with httpx.Client() as http:
        with pytest.raises(Exception) as caught:
            SyncClient(http, base_url=url).health()
    return cause_of(caught.value)


def test_nothing_listening_is_no_server_answer():
    assert probe_cause(f"http://127.0.0.1:{closed_port()}") == "unreachable"


def test_tls_to_a_plain_server_is_a_tls_error():
    with web_server(404) as port:
        assert probe_cause(f"https://127.0.0.1:{port}") == "tls"


def test_a_web_server_without_the_api_is_a_wrong_address():
    with web_server(404) as port:
        assert probe_cause(f"http://127.0.0.1:{port}") == "wrong_url"


def test_a_page_that_is_not_the_health_answer_is_not_a_fieldapp_server():
    with web_server(200) as port:
        assert probe_cause(f"http://127.0.0.1:{port}") == "not_fieldapp"


def test_a_server_that_accepts_but_never_answers_timed_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        assert probe_cause(f"http://127.0.0.1:{port}") == "timeout"


def test_the_other_failures_have_their_cause():
    assert cause_of(NotEnrolledError()) == "not_enrolled"
    assert cause_of(CredentialError("revoked")) == "credential"
    assert cause_of(ServerBusyError("busy")) == "busy"
    assert cause_of(Stopped()) is None
    assert cause_of(RuntimeError("database is locked")) == "unexpected"
