"""`GET /docs`: the API's operations as one plain page, made here from the OpenAPI schema.

FastAPI's own /docs page is Swagger UI loaded from cdn.jsdelivr.net (and its favicon from
fastapi.tiangolo.com): a third-party request from a page this server serves, which the
server's policy forbids (docs/security.md). This page needs nothing but the server: no
script, every operation with its summary, and the machine-readable schema at /openapi.json.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

METHODS = ("get", "post", "put", "patch", "delete")
STYLE = (
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
    "td{padding:.2rem .6rem;vertical-align:top}code{font-size:1rem}"
)


def install_docs_page(app: FastAPI, *, path: str = "/docs") -> None:
    @app.get(path, include_in_schema=False)
    def docs_page() -> HTMLResponse:
        return HTMLResponse(render_docs(app.openapi()))


def render_docs(schema: dict[str, Any]) -> str:
    info = schema.get("info", {})
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    rows = []
    for route, operations in schema.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{escape(route)}</code></td>"
                f"<td>{escape(operation.get('summary') or '')}</td></tr>"
            )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body><h1>{title}</h1>"
        '<p>The full schema: <a href="openapi.json">openapi.json</a>. '
        "Every call and its answers: docs/ARCHITECTURE.md and docs/server.md in the repository.</p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )
