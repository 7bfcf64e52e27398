"""Where exceptions become HTTP answers: the one place, `{"detail": ...}` every time."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..errors import NotAuthenticated, ServerError
from ..login_throttle import TooManyAttempts
from ..schemas import ErrorBody

log = logging.getLogger("fieldapp.server.api")

ERROR_RESPONSES: dict[int | str, dict] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Bad request"),
        (401, "Missing, unknown or expired credential"),
        (403, "Wrong role, or revoked"),
        (404, "Not found"),
        (409, "Conflict (e.g. another verifier holds the lock)"),
        (413, "Body too large"),
        (415, "Unsupported content encoding"),
        (422, "Invalid input"),
    )
}
THROTTLED_RESPONSE: dict[int | str, dict] = {
    429: {
        "model": ErrorBody,
        "description": "Too many failed sign-ins: wait `Retry-After` seconds",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
    }
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServerError)
    async def _server_error(_request: Request, exc: ServerError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()[:20]
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc, extra={"fields": {"path": request.url.path}})
        return JSONResponse({"detail": "internal error"}, status_code=500)
