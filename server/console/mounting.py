"""Mount the console (a Flet web app) at /console on an ASGI app.

`fieldapp serve` mounts it on the console's own process (server/console/process.py): a small
app holding only the console, its downloads and fonts, that reaches the API over HTTP on
loopback. The API process only relays `/console` there (server/console/relay.py), so console
sessions never run on the device API's event loop. Mounting it on the API's own app, reaching
the API through `httpx.ASGITransport` (`client=None`), is what the console's unit tests do
(tests/console/conftest.py); `serve` never does.

Flet 1.0's web app is an ASGI app (`flet_web.fastapi.app`): a websocket endpoint for the
sessions and static files for the Flutter client, served from the installed `flet-web`
wheel with `no_cdn=True`, so the page loads with no internet at all. Starlette does not run
a mounted app's lifespan, so Flet's session manager is started and stopped by wrapping the
host app's lifespan here.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from sync.web_client import FlutterClient

from .geo import ASSETS_DIR

CONSOLE_PATH = "/console"


def mount_console(
    app: Any,
    settings: Any,
    *,
    path: str = CONSOLE_PATH,
    client: httpx.AsyncClient | None = None,
    tickets: Any = None,
    client_key: str | None = None,
    public_url: str | None = None,
) -> FlutterClient:
    """Mount the verifier console on `app` at `path`.

    `client` is how the console reaches the API (default: in process, through `app` itself,
    which must then be the server's app); `tickets` the download ticket store (default: in
    the server app's database); `client_key` the key that lets the API believe the browser
    address the console names (default: a new one installed on `app`); `public_url` the
    server address written into enrolment QR codes (default: the address the console was
    opened at). Returns the client it serves, for `sync.web_client.OwnOriginMiddleware`.
    """
    import flet_web
    import flet_web.fastapi as flet_fastapi

    from ..api.client_address import install_console_key
    from .app import ConsoleConfig, console_main
    from .downloads import TicketStore, download_router
    from .fonts import fallback_font_router
    from .tiles_source import basemap_router

    owns_client = client is None
    if client is None:
        client = httpx.AsyncClient(
            # A server error must reach the console as a 500 answer, not as an exception.
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://console.internal",
            timeout=30.0,
        )
    if tickets is None:
        context = app.state.context  # the server's ServerContext: tickets live in its database
        tickets = TicketStore(context.session_factory, clock=context.clock)
    config = ConsoleConfig(
        client=client,
        tickets=tickets,
        code_hours=settings.enrollment_code_ttl / timedelta(hours=1),
        mount_path=path,
        public_url=public_url,
        client_key=client_key or install_console_key(app),
    )
    app.state.console = config  # for tests and diagnostics: what the console's sessions share

    # Before the mount: the mount would otherwise answer every path under `path`.
    app.include_router(download_router(mount_path=path, tickets=tickets, client=client))
    app.include_router(fallback_font_router(mount_path=path))
    app.include_router(basemap_router(app, mount_path=path, data_dir=getattr(settings, "data_dir", None)))
    app.mount(
        path,
        flet_fastapi.app(
            console_main(config),
            assets_dir=str(ASSETS_DIR),
            app_name="FieldApp console",
            no_cdn=True,
            # A closed tab's session (and the token it holds) lives this long for a reconnect
            # (a network blip, a reload); then Flet drops it, at its next check (every 10 s),
            # and the console signs the token out (ConsoleApp._session_closed).
            session_timeout_seconds=session_grace_seconds(settings),
        ),
    )
    _run_with_flet(app, client if owns_client else None)
    return FlutterClient(mount=path, web_dir=Path(flet_web.get_package_web_dir()))


def session_grace_seconds(settings: Any) -> int:
    """How long a closed tab's session waits for its browser to come back (at least 1 s)."""
    return max(1, round(settings.console_session_grace.total_seconds()))


def _run_with_flet(app: Any, client: httpx.AsyncClient | None) -> None:
    """Start Flet's app manager with the server (a mounted app's lifespan never runs)."""
    import flet_web.fastapi as flet_fastapi

    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(instance: Any) -> AsyncIterator[Any]:
        await flet_fastapi.app_manager.start()
        try:
            async with inner(instance) as state:
                yield state
        finally:
            await flet_fastapi.app_manager.shutdown()
            if client is not None:
                await client.aclose()

    app.router.lifespan_context = lifespan
