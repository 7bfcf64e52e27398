"""The FastAPI application: `create_app(settings)` wires everything; nothing happens at import."""

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from sync.web_client import OwnOriginMiddleware

from .api import (
    account_routes,
    admin_routes,
    attachment_routes,
    device_routes,
    evidence_routes,
    log_routes,
    map_layer_routes,
    ops_routes,
    register_routes,
    review_routes,
    sitrep_routes,
)
from .api.body_limit import BodyLimitMiddleware
from .api.docs_page import install_docs_page
from .api.errors import install_error_handlers
from .clock import Clock, utc_now
from .context import build_context
from .settings import DATA_DIR_ENV, DATABASE_URL_ENV, Settings

API_PREFIX = "/api/v1"
log = logging.getLogger("fieldapp.server")


def create_app(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    migrate: bool = True,
    console_upstream: str | None = None,
    console_key: str | None = None,
) -> FastAPI:
    """The server app: the schema upgraded (unless `migrate=False`), keys loaded or made.

    Its `ServerContext` is `app.state.context`, closed when the app shuts down. The console
    is not in it: it runs in its own process (server/console/process.py). `console_upstream`
    is that process's address, to which `/console` is relayed (server/console/relay.py);
    `console_key` the key its sign-ins name the browser's address with.
    """
    context = build_context(settings, clock=clock, migrate=migrate)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        context.close()

    app = FastAPI(
        lifespan=lifespan,
        title="FieldApp verification server",
        version=device_routes.SERVER_VERSION,
        openapi_url="/openapi.json",
        docs_url=None,  # FastAPI's is Swagger UI from a CDN; ours is install_docs_page's
        redoc_url=None,
    )
    app.state.context = context
    routers = (
        device_routes,
        account_routes,
        review_routes,
        admin_routes,
        attachment_routes,
        log_routes,
        evidence_routes,
        ops_routes,
        register_routes,
        map_layer_routes,
        sitrep_routes,
    )
    for module in routers:
        app.include_router(module.router, prefix=API_PREFIX)
    install_error_handlers(app)
    install_docs_page(app)

    def limit_for(path: str) -> int:
        return (
            max(settings.max_body_bytes, settings.max_bundle_bytes)
            if path == f"{API_PREFIX}/bundles"
            else settings.max_body_bytes
        )

    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, limit_for_path=limit_for)
    if console_key:
        from .api.client_address import install_console_key

        install_console_key(app, console_key)
    # Every answer of the API (even a 413) carries the policy (sync/web_client.py); the
    # console's answers carry the console process's own.
    app.add_middleware(OwnOriginMiddleware, clients=[])
    if console_upstream and settings.console:
        from .console.relay import ConsoleRelay

        app.add_middleware(ConsoleRelay, upstream=console_upstream)  # outermost: /console never enters the API

    return app


# `fieldapp serve --workers N`: uvicorn starts N processes that each import `worker_app`;
# what they must agree on is in the database (throttles, locks, sessions, tallies) or in the
# data dir (keys), and the settings reach them through the environment.
WORKER_LOG_LEVEL_ENV = "FIELDAPP_SERVER_LOG_LEVEL"
CONSOLE_UPSTREAM_ENV = "FIELDAPP_CONSOLE_UPSTREAM"  # the console process's loopback address


def prepare(settings: Settings) -> None:
    """Schema upgraded and keys made, once, before the workers start (none of them migrates)."""
    build_context(settings).close()


def worker_environment(
    settings: Settings, *, log_level: str, console_upstream: str | None = None
) -> dict[str, str]:
    environment = {
        DATA_DIR_ENV: str(settings.data_dir),
        DATABASE_URL_ENV: settings.database_url,
        WORKER_LOG_LEVEL_ENV: log_level,
    }
    if console_upstream:
        environment[CONSOLE_UPSTREAM_ENV] = console_upstream
    return environment


def worker_app() -> FastAPI:
    """One worker's app (uvicorn's factory), from the settings `worker_environment` passed on."""
    import os

    from .logs import configure_logging

    from .console.process import CONSOLE_KEY_ENV

    configure_logging(os.environ.get(WORKER_LOG_LEVEL_ENV, "INFO"))
    # The key stays in the environment of `serve` itself (uvicorn starts a worker again from
    # it); a worker reads its copy and keeps it in memory only.
    return create_app(
        Settings.resolve(),
        migrate=False,
        console_upstream=os.environ.get(CONSOLE_UPSTREAM_ENV) or None,
        console_key=os.environ.pop(CONSOLE_KEY_ENV, None) or None,
    )
