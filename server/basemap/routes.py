"""The tile route: GET <mount>/tiles/{z}/{x}/{y}.png, same origin as the console.

A router factory (like the console's download and font routers), so the console can be
mounted wherever it lives. The URL carries the layer version (`?v=`): a versioned tile never
changes, so it is cached by the browser for a year; without `v` (or with an old one) the
current tile is answered with a short cache life. A z/x/y outside the map is a 404, a
non-number a 422 (FastAPI's check), never a 500.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from .tiles import TileOutOfRange, TileRenderer

TILE_PATH = "/tiles/{z}/{x}/{y}.png"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


def tile_url_template(mount_path: str, version: str) -> str:
    """What flet-map's TileLayer is given: relative, so the browser asks the page's origin."""
    return f"{mount_path}/tiles/{{z}}/{{x}}/{{y}}.png?v={version}"


def tile_router(*, mount_path: str, renderer: TileRenderer) -> APIRouter:
    router = APIRouter()

    @router.get(f"{mount_path}{TILE_PATH}", include_in_schema=False)
    def tile(z: int, x: int, y: int, request: Request, v: str | None = None) -> Response:
        try:
            version, data = renderer.tile(z, x, y)
        except TileOutOfRange as exc:
            return JSONResponse({"detail": str(exc)}, status_code=404)
        etag = f'"{version}-{z}-{x}-{y}"'
        headers = {"ETag": etag, "Cache-Control": IMMUTABLE if v == version else SHORT}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(content=data, media_type="image/png", headers=headers)

    return router
