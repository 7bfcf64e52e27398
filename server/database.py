"""Engines, sessions and schema upgrades for SQLite and PostgreSQL.

SQLite: WAL, a busy timeout, synchronous=FULL (an `accepted` answer means the record is
on disk: the device stops resending it), and `BEGIN IMMEDIATE` so a transaction that reads
then writes never fails with "database is locked" halfway. PostgreSQL: psycopg 3
(`postgresql+psycopg://`); several processes may share it.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from sync.private_files import private_sqlite_file

from .errors import ConfigurationError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SessionFactory = Callable[[], Session]


def make_engine(database_url: str) -> sa.Engine:
    """An engine for the URL, with the SQLite settings above applied to every connection."""
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    try:
        url = sa.make_url(database_url)
    except sa.exc.ArgumentError as exc:
        raise ConfigurationError(f"not a database URL: {database_url!r}") from exc
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            private_sqlite_file(Path(url.database))  # 0600; SQLite gives -wal and -shm the same
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    if url.get_backend_name() == "postgresql":
        return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    raise ConfigurationError("the database must be SQLite or PostgreSQL")


def _configure_sqlite(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # 64 MiB of page cache per connection (the default is 2 MiB): with 200k reports the
        # indexes' upper pages stay in memory, so ingest does not slow down as the table grows.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")  # deferred: a snapshot that never blocks writers
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


SQLITE_CACHE_KIB = 65536
READ_ONLY = "fieldapp_read_only"


@contextmanager
def read_session(engine: sa.Engine) -> Iterator[Session]:
    """A session for a long read (an export streamed for seconds): on SQLite a deferred
    transaction (WAL: one consistent snapshot while ingest goes on), never committed."""
    with engine.connect() as connection:
        connection.execution_options(**{READ_ONLY: True})
        with Session(bind=connection) as session, session.begin():
            yield session


def insert_ignoring_conflicts(session: Session, table: Any, *, key: Sequence[str]) -> Any:
    """`INSERT ... ON CONFLICT (key) DO NOTHING` in this session's dialect (SQLite or PostgreSQL).

    The database, not a read-then-write, decides who wins a race for the same key; add
    `.values(...)` or `.returning(...)` as usual.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(key))


def session_factory(engine: sa.Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade_schema(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema to the newest Alembic revision (what `fieldapp serve` does at start);
    tests of a migration pass an older `revision` to stop there."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # two processes starting at once: one migrates, the other waits and finds it done
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
