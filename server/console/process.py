"""The console's own process: an ASGI app holding only the console, reached at /console.

Why a process of its own (docs/ARCHITECTURE.md, "The console's own process"): a console
session's work is Flet's diffing and packing of its page, pure Python under the GIL. On the
API's event loop ten verifiers slowed device ingest 25 times (issue 20). Here they share
nothing with the device API but the loopback socket the console calls it on.

The app: the Flet mount (server/console/mounting.py), the download route and the Arabic font
route, and `GET /console/health`. It reaches the API over real HTTP (`api_url`) like any
client, with the key (server/api/client_address.py) that lets the API believe the browser
address it names. Download tickets are the one thing it keeps in the database (the
`download_tickets` table only: any console process may redeem a ticket another issued);
it never migrates the schema (the API does) and opens nothing else there.

`fieldapp serve` starts one (server/console/supervisor.py); `fieldapp console` runs one
alone, for a console pool behind the load balancer (docs/deploy.md).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

CONSOLE_KEY_ENV = "FIELDAPP_CONSOLE_KEY"


def take_console_key(environ: MutableMapping[str, str] | None = None) -> str | None:
    """The shared console key from the environment, removed from it (children don't see it)."""
    environ = os.environ if environ is None else environ
    return environ.pop(CONSOLE_KEY_ENV, None) or None


def console_app(settings: Any, *, api_url: str, client_key: str | None, public_url: str | None = None) -> Any:
    """The console process's ASGI app (FastAPI), talking to the API at `api_url`."""
    import httpx
    from fastapi import FastAPI

    from sync.web_client import OwnOriginMiddleware

    from ..clock import utc_now
    from ..database import make_engine, session_factory
    from .downloads import TicketStore
    from .mounting import CONSOLE_PATH, mount_console

    engine = make_engine(settings.database_url)
    client = httpx.AsyncClient(
        base_url=api_url.rstrip("/"),
        timeout=30.0,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        trust_env=False,  # the API is on loopback or the private network: never via a proxy
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        yield
        await client.aclose()
        engine.dispose()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get(f"{CONSOLE_PATH}/health", include_in_schema=False)
    def health() -> dict[str, str]:
        """The console process answers (for `serve`'s checks and a balancer's)."""
        return {"status": "ok"}

    # The basemap's tile route reads the mission's layers through the app's MapLayerStore; this
    # app has no ServerContext, so its store is made here on the console's own engine.
    from ..map_layers import MapLayerStore

    app.state.map_layers = MapLayerStore(session_factory(engine), clock=utc_now)
    flutter = mount_console(
        app,
        settings,
        client=client,
        tickets=TicketStore(session_factory(engine), clock=utc_now),
        client_key=client_key,
        public_url=public_url,
    )
    app.add_middleware(OwnOriginMiddleware, clients=[flutter])
    return app


def run_console(
    settings: Any,
    *,
    api_url: str,
    client_key: str | None,
    host: str = "127.0.0.1",
    port: int = 8100,
    fd: int | None = None,
    log_level: str = "info",
    niceness: int = 0,
) -> None:
    """Serve the console with uvicorn on `host:port`, or on the inherited listening socket `fd`;
    `niceness` lowers its CPU priority once its app is built (its start is not slowed)."""
    import socket

    import uvicorn

    app = console_app(settings, api_url=api_url, client_key=client_key)
    # proxy_headers: the browser's address and scheme come from X-Forwarded-For/-Proto, believed
    # from the addresses in FORWARDED_ALLOW_IPS only (uvicorn's default: 127.0.0.1, the relay).
    config = uvicorn.Config(
        app, host=host, port=port, log_level=log_level, access_log=False, proxy_headers=True
    )
    server = uvicorn.Server(config)
    if niceness:
        os.nice(niceness)
    if fd is None:
        server.run()
    else:  # the socket `serve` bound and listens on (socket(fileno=) learns its family itself)
        server.run(sockets=[socket.socket(fileno=fd)])


def watch_lifeline(fd: int) -> str:
    """Read the key `serve` wrote on the inherited pipe `fd`, then stop this process when the
    pipe closes: `serve` ended, however it ended (even kill -9), and must not leave us behind."""
    reader = os.fdopen(fd, "rb", buffering=0)
    line = bytearray()
    while not line.endswith(b"\n"):
        chunk = reader.read(1)
        if not chunk:
            break
        line += chunk
    key = line.decode().strip()

    def wait_for_eof() -> None:
        while reader.read(4096):
            pass
        print("console: serve stopped (its pipe closed); stopping", file=sys.stderr)
        import signal

        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=wait_for_eof, name="console-lifeline", daemon=True).start()
    return key
