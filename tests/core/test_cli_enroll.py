"""`fieldapp enroll` tells a wrong address from a refused code, each with its fix (issue 13, point 11).

Real `python -m fieldapp enroll` processes against a real server on loopback
(tests/support/live_server.py) and against loopback servers that are not FieldApp: one answering
404 or 405, one answering someone else's JSON, one speaking TLS. Each failure is one line on
stderr, no traceback, exit 1, and the device stays unenrolled.
"""

import datetime
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from core_fixtures import FAST

from fieldapp.services import create_device, unlock_device
from fieldapp.services.enrollment import is_enrolled
from tests.support.live_server import REPO_ROOT, create_enrollment_code, free_port, live_server

pytestmark = pytest.mark.live  # the CLI in subprocesses / real servers: main suite only (pyproject)

PASSPHRASE = "tinned peaches at dawn"


@pytest.fixture
def device_dir(tmp_path: Path) -> Path:
    path = tmp_path / "device"
    create_device(path, PASSPHRASE, kdf=FAST).lock()
    return path


def enroll(
    device_dir: Path, url: str, code: str = "AAAA-BBBB-CCCC", **extra_env: str
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_") and not k.startswith("SSL_")}
    env.update(FIELDAPP_PASSPHRASE=PASSPHRASE, PYTHONPATH=str(REPO_ROOT), **extra_env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "fieldapp",
            "enroll",
            "--server",
            url,
            "--code",
            code,
            "--data-dir",
            str(device_dir),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def refused(done: subprocess.CompletedProcess, device_dir: Path, *words: str) -> str:
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    with unlock_device(device_dir, PASSPHRASE) as device:
        assert not is_enrolled(device)
    return lines[0]


class _Answer(http.server.BaseHTTPRequestHandler):
    """Answers every request with the class's status and body (not a FieldApp server)."""

    status = 404
    body = b'{"detail": "Not Found"}'

    def _answer(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:  # quiet
        pass


@contextmanager
def other_server(status: int, body: bytes, *, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    handler = type("Handler", (_Answer,), {"status": status, "body": body})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _tls_context(tmp_path: Path) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1, made here (nothing trusts it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def test_a_real_server_refusing_the_code_says_so_and_what_to_do(device_dir: Path, tmp_path: Path):
    with live_server(tmp_path / "server") as base_url:
        line = refused(
            enroll(device_dir, base_url, "AAAA-BBBB-CCCC"), device_dir, "refused the enrolment code"
        )
        assert "ask the administrator for a new code" in line and "fieldapp admin enrollment-code" in line
        assert "address" not in line  # the address was right
        # a path after the server's address (the console's, the API's) is a wrong address, not a refused code
        for path in ("/console", "/api/v1"):
            line = refused(
                enroll(device_dir, base_url + path), device_dir, "not the address of a FieldApp server"
            )
            assert f"try {base_url}" in line and "code" not in line.split(":", 1)[1].split("try")[0], line
        # and with the right address and a fresh code it enrols
        done = enroll(device_dir, base_url, create_enrollment_code(tmp_path / "server"))
        assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("status", [404, 405])
def test_a_non_api_path_answering_404_or_405_is_a_wrong_address(device_dir: Path, status: int):
    with other_server(status, b"<html>nothing here</html>") as port:
        url = f"http://127.0.0.1:{port}"
        line = refused(
            enroll(device_dir, url), device_dir, "not the address of a FieldApp server", f"{status}"
        )
        assert "check the address" in line and "refused the enrolment code" not in line


def test_a_server_answering_someone_elses_json_is_not_a_fieldapp_server(device_dir: Path):
    with other_server(200, json.dumps({"status": "ok", "version": "3.2"}).encode()) as port:
        line = refused(enroll(device_dir, f"http://127.0.0.1:{port}"), device_dir, "not as FieldApp does")
        assert "check the address and port" in line and "refused" not in line


def test_https_to_a_plain_http_port_is_a_tls_mismatch(device_dir: Path, tmp_path: Path):
    with live_server(tmp_path / "server") as base_url:
        port = base_url.rsplit(":", 1)[1]
        line = refused(enroll(device_dir, f"https://127.0.0.1:{port}"), device_dir, "TLS")
        assert "plain HTTP" in line and f"use http://127.0.0.1:{port}" in line, line


def test_plain_http_to_a_tls_port_and_an_untrusted_certificate(device_dir: Path, tmp_path: Path):
    with other_server(404, b"{}", tls=_tls_context(tmp_path)) as port:
        line = refused(enroll(device_dir, f"http://127.0.0.1:{port}"), device_dir)
        assert "expects https" in line and f"try https://127.0.0.1:{port}" in line, line
        line = refused(enroll(device_dir, f"https://127.0.0.1:{port}"), device_dir, "certificate")
        assert "not trusted" in line and "SSL_CERT_FILE" in line, line
        # the advice works: trusting the certificate gets through TLS to the (non-FieldApp) server
        trusted = enroll(device_dir, f"https://127.0.0.1:{port}", SSL_CERT_FILE=str(tmp_path / "cert.pem"))
        assert "not the address of a FieldApp server (it answered 404" in refused(trusted, device_dir)


def test_nothing_listening_says_check_the_address_and_that_the_server_runs(device_dir: Path):
    line = refused(enroll(device_dir, f"http://127.0.0.1:{free_port()}"), device_dir, "cannot reach")
    assert "that the server is running" in line
