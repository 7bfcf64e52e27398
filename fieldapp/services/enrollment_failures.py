"""Why an enrolment failed, told apart, each with what to do about it.

A refused code is not the only way enrolment fails, and "the server refused the code" for a
typo in the address sends the observer to the administrator for a new code that will fail
the same way. So the failure of each step is read for what it says about the address: a
404/405 (a page, not the API), an answer that is not FieldApp's, TLS on one side only, an
untrusted certificate, nothing listening; and only a refusal of the signed request itself is
a refused code.
"""

import ssl
from urllib.parse import urlsplit

import httpx

from fieldapp.errors import FieldAppError
from sync.failures import (
    CredentialError,
    OfflineError,
    ServerAnswer,
    ServerRefusedError,
    TransportError,
    UnreadableAnswerError,
)
from sync.transport import API


class EnrollmentError(FieldAppError):
    """Enrolment failed."""


class CodeRefused(EnrollmentError):
    """The server refused the enrolment code: it may be wrong, used or expired."""


class WrongServerAddress(EnrollmentError):
    """That address answered, but it is not a FieldApp server's: check the address."""


class TlsMismatch(EnrollmentError):
    """The secure connection to the server failed: check https:// against http:// and the port."""


class ServerUnreachable(EnrollmentError):
    """The server could not be reached: check the address and that the server is running."""


def explain(exc: Exception, url: str, *, step: str) -> EnrollmentError:
    """The sentence for a failure of `step` ("challenge": the first call, "enroll": the signed
    request) at `url` (normalized, no trailing slash)."""
    base = _base(url)
    if isinstance(exc, ServerRefusedError | CredentialError) and exc.status_code in (404, 405):
        return WrongServerAddress(
            f"{url} is not the address of a FieldApp server (it answered {exc.status_code} for "
            f"{API}/enroll{'/challenge' if step == 'challenge' else ''}): check the address"
            + (f"; try {base}, without the path" if base != url else " and the port")
        )
    if isinstance(exc, UnreadableAnswerError):
        return WrongServerAddress(
            f"{url} is not the address of a FieldApp server (it answered, but not as FieldApp does): "
            "check the address and port" + (f"; try {base}, without the path" if base != url else "")
        )
    if isinstance(exc, ServerRefusedError | CredentialError):
        if step == "challenge":  # nothing was signed yet: whatever it refused, it was not the code
            return WrongServerAddress(
                f"{url} refused to start an enrolment ({_status(exc)}): check the address, or ask "
                "the administrator whether something in between (a proxy) blocks it"
            )
        return CodeRefused(
            f"the server refused the enrolment code ({_status(exc)}); it may be mistyped, used or "
            "expired: ask the administrator for a new code (`fieldapp admin enrollment-code`)"
        )
    tls = _tls_error(exc)
    if tls is not None:
        if isinstance(tls, ssl.SSLCertVerificationError):
            return TlsMismatch(
                f"the TLS certificate of {url} is not trusted by this device "
                f"({tls.verify_message or tls.reason}): "
                "check the address with the administrator; if the mission runs its own certificate "
                "authority, point SSL_CERT_FILE at its certificate"
            )
        plain = url.replace("https://", "http://", 1)
        return TlsMismatch(
            f"{url} does not speak TLS (https) on that port; it looks like plain HTTP: "
            + (
                f"use {plain} if the server is on this computer or the local network, "
                "else ask the administrator for its https address"
            )
        )
    if url.startswith("http://") and isinstance(exc, TransportError) and _broke_without_answer(exc):
        secure = url.replace("http://", "https://", 1)
        return TlsMismatch(
            f"{url} closed the connection without an HTTP answer: the server probably expects https; "
            f"try {secure}"
        )
    if isinstance(exc, OfflineError):
        return ServerUnreachable(
            f"cannot reach {url} ({_cause(exc)}): check the address and port, and that the server is "
            "running and reachable from here"
        )
    if isinstance(exc, TransportError):
        return ServerUnreachable(f"enrolment with {url} did not complete ({exc}); try again")
    raise exc


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _status(exc: ServerAnswer) -> str:
    return f"{exc.status_code}: {exc.reason}" if exc.reason else f"{exc.status_code}"


def _chain(exc: BaseException):
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _tls_error(exc: BaseException) -> ssl.SSLError | None:
    return next((e for e in _chain(exc) if isinstance(e, ssl.SSLError)), None)


def _broke_without_answer(exc: BaseException) -> bool:
    """Cut before any answer: what a TLS server does with a plain HTTP request."""
    return any(isinstance(e, httpx.RemoteProtocolError | httpx.ReadError) for e in _chain(exc))


def _cause(exc: BaseException) -> str:
    inner = exc.__cause__
    text = " ".join(str(inner or exc).split())
    return text.split("] ", 1)[-1][:120] or type(exc).__name__
