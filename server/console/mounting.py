"""Serve the console from the server's own FastAPI app, at /console.

Flet 1.0's web app is an ASGI app (`flet_web.fastapi.app`): a websocket endpoint for the
sessions and static files for the Flutter client, served from the installed `flet-web`
wheel with `no_cdn=True`, so the page loads with no internet at all. It is mounted in the
server's app, in the same process, on the same port: one command (`fieldapp serve`)
serves the API and the console.

Two details of mounting:
- Starlette does not run a mounted app's lifespan, so Flet's session manager is started
  and stopped by wrapping the server app's lifespan here.
- The console reaches the API through `httpx.ASGITransport` on the same app: an ordinary
  HTTP exchange with the verifier's bearer token, every request going through the
  server's authentication and validation, without a socket (no port to discover, nothing
  in the access log).
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
SESSION_TIMEOUT_SECONDS = 15 * 60


def mount_console(
    app: Any,
    settings: Any,
    *,
    path: str = CONSOLE_PATH,
    client: httpx.AsyncClient | None = None,
    public_url: str | None = None,
) -> FlutterClient:
    """Mount the verifier console on `app` (the server's FastAPI app) at `path`.

    `client` is how the console reaches the API (default: in process, through the app
    itself); `public_url` is the server address written into enrolment QR codes (default:
    the address the console was opened at). Returns the client it serves, for
    `sync.web_client.OwnOriginMiddleware` (which `server.main.create_app` puts around the app).
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
    context = app.state.context  # the server's ServerContext: tickets live in its database
    tickets = TicketStore(context.session_factory, clock=context.clock)
    config = ConsoleConfig(
        client=client,
        tickets=tickets,
        code_hours=settings.enrollment_code_ttl / timedelta(hours=1),
        mount_path=path,
        public_url=public_url,
        client_key=install_console_key(app),
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
            # A closed tab's session (and the token it holds) lives this long for a reconnect;
            # then Flet drops it and the console signs the token out (ConsoleApp._session_closed).
            session_timeout_seconds=SESSION_TIMEOUT_SECONDS,
        ),
    )
    _run_with_flet(app, client if owns_client else None)
    return FlutterClient(mount=path, web_dir=Path(flet_web.get_package_web_dir()))


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
