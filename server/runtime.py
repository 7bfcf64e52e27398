"""Wiring the real parts together once, at the edge: engine, schema, keys, clock."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from sync.private_files import private_dir

from .api.context import ServerContext
from .clock import Clock, utc_now
from .database import make_engine, session_factory, upgrade_schema
from .keys import load_or_create_keys
from .settings import Settings


def build_context(
    settings: Settings, *, clock: Clock = utc_now, migrate: bool = True
) -> tuple[sa.Engine, ServerContext]:
    """Engine (schema upgraded to the newest migration), keys (made on first start), clock."""
    private_dir(settings.data_dir)  # 0700, narrowed if an earlier release left it wider
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade_schema(engine)
    context = ServerContext(
        settings=settings,
        session_factory=session_factory(engine),
        keys=load_or_create_keys(settings.data_dir),
        clock=clock,
    )
    return engine, context


@contextmanager
def opened(settings: Settings, *, clock: Clock = utc_now) -> Iterator[ServerContext]:
    """A context for one admin command; the engine is disposed afterwards."""
    engine, context = build_context(settings, clock=clock)
    try:
        yield context
    finally:
        engine.dispose()
