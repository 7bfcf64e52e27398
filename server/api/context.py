"""What routes get from the app: the process's `ServerContext` (built in main.create_app)."""

from typing import Annotated

from fastapi import Depends, Request

from ..context import ServerContext


def server_context(request: Request) -> ServerContext:
    return request.app.state.context


Ctx = Annotated[ServerContext, Depends(server_context)]
