"""Where a sign-in comes from, for the login throttle's per-address limit.

Normally the peer of the HTTP connection (behind a reverse proxy on this machine, uvicorn
already takes it from X-Forwarded-For: its `forwarded_allow_ips` defaults to 127.0.0.1).
The console, mounted in the same process, calls the API through an in-process transport,
so every console sign-in would come from one address: one stranger's failures would lock
every verifier out, and the limit would not tell one browser from another. The console
therefore names its browser's address in a header, together with a key made fresh in this
process at mount time; the header is believed only with that key (compared in constant time).
"""

import hmac
import secrets
from typing import Any

from fastapi import Request

ADDRESS_HEADER = "X-FieldApp-Client-Address"
KEY_HEADER = "X-FieldApp-Console-Key"
MAX_CHARS = 64


def install_console_key(app: Any) -> str:
    """A new key for this process's console; only code in this process can know it."""
    key = secrets.token_urlsafe(32)
    app.state.console_key = key
    return key


def client_address(request: Request) -> str:
    key = getattr(request.app.state, "console_key", None)
    given = request.headers.get(KEY_HEADER)
    if key and given and hmac.compare_digest(given.encode(), key.encode()):
        return (request.headers.get(ADDRESS_HEADER) or "unknown")[:MAX_CHARS]
    return request.client.host if request.client else "unknown"
