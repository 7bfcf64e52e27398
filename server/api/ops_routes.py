"""Routes for whoever runs the server: readiness for the load balancer (docs/deploy.md).

`/api/v1/health` (device_routes) stays the cheap liveness probe; `/ready` touches the database
and the photo store, so a balancer stops sending to a process that can't reach either.
What failed is logged with its cause; the answer names only which part is unavailable.
"""

import logging

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..schemas import Readiness
from .context import Ctx

router = APIRouter()
log = logging.getLogger("fieldapp.server")


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "the database or the photo store does not answer"}},
    tags=["operations"],
)
def ready(ctx: Ctx) -> JSONResponse:
    """Is this process ready for traffic: the database answers a query and the photo store a probe."""
    database = attachments = "ok"
    try:
        with ctx.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # any driver error means "not ready"; the cause goes to the log
        log.warning("ready.database_unavailable", extra={"fields": {"error": type(error).__name__}})
        database = "unavailable"
    try:
        ctx.attachments.ready()
    except Exception as error:
        log.warning("ready.attachments_unavailable", extra={"fields": {"error": type(error).__name__}})
        attachments = "unavailable"
    ok = database == attachments == "ok"
    body = Readiness(status="ready" if ok else "not ready", database=database, attachments=attachments)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
