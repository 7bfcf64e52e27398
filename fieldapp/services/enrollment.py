"""Enrolment: register this device with a server using a one-time code.

The device first asks the server for a challenge, then sends its id, public key and the
code signed with its private key over that challenge and the server's signing key
(`sync.enrollment`): a copy of the public key alone enrols nothing. The server answers
with a device credential and its two public keys: the seal key records are encrypted to,
and the sign key that signs push receipts (it must be the key the request was signed
for). They are stored encrypted in the device settings; then queued records are sealed
(all of them again when the seal key is another server's: none is left sealed to the old one).

Plain `http://` is accepted only where the network is this computer or a private one
(loopback, 10/8, 172.16/12, 192.168/16, link-local, IPv6 unique-local), given as an address:
a name could resolve anywhere. Everything else must be https.
"""

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import TypeAdapter, ValidationError

from sync.crypto import PUBLIC_KEY_BYTES, b64decode
from sync.enrollment import signed_enroll_request
from sync.errors import SyncError
from sync.transport import SyncClient
from sync.wire import EnrollCode

from .enrollment_failures import (
    CodeRefused,
    EnrollmentError,
    ServerUnreachable,
    TlsMismatch,
    WrongServerAddress,
    explain,
)

__all__ = [
    "CodeRefused",
    "EnrollmentError",
    "EnrollmentResult",
    "InvalidCode",
    "InvalidServerUrl",
    "ServerLink",
    "ServerUnreachable",
    "TlsMismatch",
    "WrongServerAddress",
    "enroll_device",
    "is_enrolled",
    "normalize_server_url",
    "server_link",
]

_CODE = TypeAdapter(EnrollCode)
# Where a plain connection never leaves this computer or the local/private network.
_PLAIN_HTTP_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)


class InvalidServerUrl(EnrollmentError):
    """The server address must look like https://host[:port] (http:// only on a private network)."""


class InvalidCode(EnrollmentError):
    """That enrolment code is not in the right form: ask the administrator for a new one."""


@dataclass(frozen=True)
class EnrollmentResult:
    """What enrolment did: the server now knows this device; `sealed` queued records are ready."""

    device_id: str
    server_url: str
    sealed: int


def normalize_server_url(url: str) -> str:
    """`https://host[:port][/path]` without a trailing slash; refuse anything else with one sentence."""
    url = (url or "").strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host or parts.query or parts.fragment:
        raise InvalidServerUrl(
            f"not a server address: {url!r}; use https://host[:port] (http:// on a local network only)"
        )
    if parts.scheme == "http" and not _plain_http_is_safe(host):
        raise InvalidServerUrl(
            f"plain http:// would send the enrolment code and this device's records to {host} "
            "unprotected; it is allowed only for this computer (localhost, 127.x.x.x) or a "
            "private network address (10.x, 172.16-31.x, 192.168.x, fc00::/7) given as a number: "
            f"use https://{host}"
        )
    return url


@dataclass(frozen=True)
class ServerLink:
    """What enrolment stored (encrypted): the server's address, this device's credential, and
    the server's keys (records are sealed to `seal_key`; receipts are signed by `sign_key`)."""

    url: str
    credential: str
    seal_key: bytes
    sign_key: bytes


def server_link(device: Any) -> ServerLink | None:
    """The server this device is enrolled with, or None before enrolment."""
    settings = device.sync_settings
    url, credential, seal_key, sign_key = (
        settings.get(name)
        for name in ("server_url", "device_credential", "server_seal_key", "server_sign_key")
    )
    if not (url and credential and seal_key and sign_key):
        return None
    return ServerLink(url, credential, b64decode(seal_key), b64decode(sign_key))


def _plain_http_is_safe(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # a name: it could resolve anywhere
        return False
    return any(address in network for network in _PLAIN_HTTP_NETWORKS)


def is_enrolled(device: Any) -> bool:
    """True once a credential and the server's keys are stored."""
    return server_link(device) is not None


def enroll_device(
    device: Any,
    server_url: str,
    code: str,
    *,
    transport: httpx.BaseTransport | None = None,
    label: str | None = None,
) -> EnrollmentResult:
    """GET the server's challenge, POST /api/v1/enroll signed over it; keep what the server answers.

    `device` is an unlocked device (`fieldapp.services.Unlocked`). The credential and keys
    are written in one encrypted-settings transaction only after the answer checked out,
    so a failed enrolment changes nothing.
    """
    url = normalize_server_url(server_url)
    info = device.device_info()
    try:
        code = _CODE.validate_python(code.strip())
    except ValidationError as exc:
        raise InvalidCode() from exc
    with httpx.Client(transport=transport) as http:
        client = SyncClient(http, base_url=url)
        try:
            challenge = client.enroll_challenge()
        except SyncError as exc:
            raise explain(exc, url, step="challenge") from exc
        request = signed_enroll_request(
            private_key=device.signing_key, code=code, challenge=challenge, label=label
        )
        try:
            answer = client.enroll(request)
        except SyncError as exc:
            raise explain(exc, url, step="enroll") from exc
    _check_keys(answer.server_seal_key, answer.server_sign_key)
    if answer.device_id != info.device_id:
        raise EnrollmentError("the server enrolled a different device id; nothing was stored")
    if answer.server_sign_key != challenge.server_sign_key:
        raise EnrollmentError("the server answered with another signing key than it asked to sign for")
    # What the log audit kept belongs to the server that signed it: another server starts afresh.
    other_server = device.sync_settings.get("server_sign_key") != answer.server_sign_key
    sealed = device.store_enrollment(
        server_url=url,
        device_credential=answer.credential,
        server_seal_key=answer.server_seal_key,
        server_sign_key=answer.server_sign_key,
        update_cursor=0,
        **({"log_audit": None} if other_server else {}),
    )
    return EnrollmentResult(device_id=info.device_id, server_url=url, sealed=sealed)


def _check_keys(*keys_b64: str) -> None:
    try:
        keys = [b64decode(key) for key in keys_b64]
    except SyncError as exc:
        raise EnrollmentError("the server's public keys are not valid; nothing was stored") from exc
    if any(len(key) != PUBLIC_KEY_BYTES for key in keys):
        raise EnrollmentError("the server's public keys are not valid; nothing was stored")
