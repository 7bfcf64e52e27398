"""The server's wiring in one place: `ServerContext` holds what the use cases get from the edge.

`create_app` builds one per process and closes it in the app's lifespan; an admin command
opens one for its run (`opened`). Nothing else creates engines, loads keys or starts threads.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.private_files import private_dir

from .clock import Clock, utc_now
from .database import SessionFactory, make_engine, session_factory, upgrade_schema
from .keys import ServerKeys, load_or_create_keys
from .settings import Settings
from .storage import AttachmentStore, attachment_store_for

# Signature checks and unsealing release the GIL inside `cryptography` and are most of the
# ingest time: two threads overlap one half of a batch's crypto with the other's on a
# multi-core server (see ingest.py), without starving the request threads.
CRYPTO_THREADS = 2


@dataclass(frozen=True)
class ServerContext:
    """Settings, database, keys, photo store, crypto thread pool and clock of one server process."""

    settings: Settings
    engine: sa.Engine
    session_factory: SessionFactory
    keys: ServerKeys
    attachments: AttachmentStore
    pool: ThreadPoolExecutor
    clock: Clock

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self.session_factory() as session, session.begin():
            yield session

    def close(self) -> None:
        """Wait for the pool's work, then close the database connections (again: nothing)."""
        self.pool.shutdown(wait=True)
        self.engine.dispose()


def build_context(settings: Settings, *, clock: Clock = utc_now, migrate: bool = True) -> ServerContext:
    """Engine (schema upgraded to the newest migration), keys (made on first start), store, pool."""
    private_dir(settings.data_dir)  # 0700, narrowed if an earlier release left it wider
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade_schema(engine)
    return ServerContext(
        settings=settings,
        engine=engine,
        session_factory=session_factory(engine),
        keys=load_or_create_keys(settings.data_dir),
        attachments=attachment_store_for(settings),
        pool=ThreadPoolExecutor(max_workers=CRYPTO_THREADS, thread_name_prefix="fieldapp-crypto"),
        clock=clock,
    )


@contextmanager
def opened(settings: Settings, *, clock: Clock = utc_now) -> Iterator[ServerContext]:
    """A context for one admin command, closed afterwards."""
    context = build_context(settings, clock=clock)
    try:
        yield context
    finally:
        context.close()
