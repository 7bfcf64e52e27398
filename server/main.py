"""The FastAPI application: `create_app(settings)` wires everything; nothing happens at import."""

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from sync.web_client import FlutterClient, OwnOriginMiddleware

from .api import (
    account_routes,
    admin_routes,
    attachment_routes,
    device_routes,
    evidence_routes,
    log_routes,
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


def create_app(settings: Settings, *, clock: Clock = utc_now, migrate: bool = True) -> FastAPI:
    """The server app: the schema upgraded (unless `migrate=False`), keys loaded or made.

    Its `ServerContext` is `app.state.context`, closed when the app shuts down.
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
    console = _mount_console(app, settings)
    # Outermost: every answer (API, docs, console, even a 413) carries the policy, and the
    # console's client is served so that it asks no other host (sync/web_client.py).
    app.add_middleware(OwnOriginMiddleware, clients=[console] if console else [])

    return app


# `fieldapp serve --workers N`: uvicorn starts N processes that each import `worker_app`;
# what they must agree on is in the database (throttles, locks, sessions, tallies) or in the
# data dir (keys), and the settings reach them through the environment.
WORKER_LOG_LEVEL_ENV = "FIELDAPP_SERVER_LOG_LEVEL"


def prepare(settings: Settings) -> None:
    """Schema upgraded and keys made, once, before the workers start (none of them migrates)."""
    build_context(settings).close()


def worker_environment(settings: Settings, *, log_level: str) -> dict[str, str]:
    return {
        DATA_DIR_ENV: str(settings.data_dir),
        DATABASE_URL_ENV: settings.database_url,
        WORKER_LOG_LEVEL_ENV: log_level,
    }


def worker_app() -> FastAPI:
    """One worker's app (uvicorn's factory), from the settings `worker_environment` passed on."""
    import os

    from .logs import configure_logging

    configure_logging(os.environ.get(WORKER_LOG_LEVEL_ENV, "INFO"))
    return create_app(Settings.resolve(), migrate=False)


def _mount_console(app: FastAPI, settings: Settings) -> FlutterClient | None:
    """The verifiers' console (server/console, a Flet web app) at /console, when enabled."""
    if not settings.console:
        return None
    try:
        from .console import mount

        return mount(app, settings)
    except ImportError as exc:  # flet-web missing: the API still serves
        log.warning("console not available", extra={"fields": {"missing": exc.name}})
        return None
