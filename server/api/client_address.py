"""Where a sign-in comes from, for the login throttle's per-address limit.

Normally the peer of the HTTP connection (behind a reverse proxy on this machine, uvicorn
already takes it from X-Forwarded-For: its `forwarded_allow_ips` defaults to 127.0.0.1).
The console calls the API from its own process (server/console/process.py), so every console
sign-in would come from one address: one stranger's failures would lock every verifier out,
and the limit would not tell one browser from another. The console therefore names its
browser's address in a header, together with a key the two processes share (made fresh by
`fieldapp serve` at each start and handed to both without a command line or a file:
server/console/supervisor.py; FIELDAPP_CONSOLE_KEY for a console run apart, docs/deploy.md);
the header is believed only with that key (compared in constant time).
"""

import hmac
import secrets
from typing import Any

from fastapi import Request

ADDRESS_HEADER = "X-FieldApp-Client-Address"
KEY_HEADER = "X-FieldApp-Console-Key"
MAX_CHARS = 64


def install_console_key(app: Any, key: str | None = None) -> str:
    """The console's key on this app: `key`, or a new one only code in this process knows."""
    key = key or secrets.token_urlsafe(32)
    app.state.console_key = key
    return key


def client_address(request: Request) -> str:
    key = getattr(request.app.state, "console_key", None)
    given = request.headers.get(KEY_HEADER)
    if key and given and hmac.compare_digest(given.encode(), key.encode()):
        return (request.headers.get(ADDRESS_HEADER) or "unknown")[:MAX_CHARS]
    return request.client.host if request.client else "unknown"
