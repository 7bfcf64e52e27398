"""What routes get from the app: settings, keys, clock and transactions (set up in main.py)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ..clock import Clock
from ..database import SessionFactory
from ..keys import ServerKeys
from ..settings import Settings


@dataclass(frozen=True)
class ServerContext:
    settings: Settings
    session_factory: SessionFactory
    keys: ServerKeys
    clock: Clock

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self.session_factory() as session, session.begin():
            yield session


def server_context(request: Request) -> ServerContext:
    return request.app.state.context


Ctx = Annotated[ServerContext, Depends(server_context)]
