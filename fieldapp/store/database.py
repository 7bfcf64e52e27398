"""The SQLite file: engine factory, pragmas, schema and its version.

No engine exists until `open_database` is called. Every transaction starts with
BEGIN IMMEDIATE, so two finalizes (even from two processes) are serialized and
can't take the same sequence number.
"""

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlmodel import SQLModel

from .attachments.table import AttachmentRow
from .errors import DatabaseTooNew
from .tables import MetaRow, ObservationRow, StatusEventRow, table_of

DATABASE_FILE = "fieldapp.db"
SCHEMA_VERSION = 2  # 2: the attachment table (photos)
BUSY_TIMEOUT_MS = 5000


def database_path(data_dir: Path) -> Path:
    return Path(data_dir) / DATABASE_FILE


def open_database(data_dir: Path, *, synchronous: str = "NORMAL") -> Engine:
    """An engine over data_dir/fieldapp.db, with the schema created or checked.

    WAL with synchronous=NORMAL (Android's own default for WAL databases): every commit is
    atomic and survives the app crashing; a power cut may lose the last commits before the
    next checkpoint, never corrupt the file. Measured on a busy 2-core VM, FULL's fsync per
    save cost 3-8 ms (bench/save.py). So that nothing leaves the device and is then lost,
    the outbox checkpoints (fsync) before it hands records to the sync engine.
    """
    path = database_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" below issue the BEGIN, not the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA temp_store = MEMORY")  # no temp files beside the database
        cursor.execute("PRAGMA secure_delete = ON")  # deleted drafts' ciphertext is zeroed
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    _prepare_schema(engine)
    return engine


def make_durable(engine: Engine) -> None:
    """Flush the WAL into the database file with fsync (a durability barrier).

    On the raw connection, outside any transaction: a checkpoint can't run inside one.
    """
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(FULL)")
        cursor.fetchall()
    finally:
        raw.close()


def _prepare_schema(engine: Engine) -> None:
    with engine.begin() as connection:
        version = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
        if version > SCHEMA_VERSION:
            raise DatabaseTooNew()
        if version == 0:
            # Only our tables: other packages' models may share SQLModel.metadata in one process.
            tables = [table_of(model) for model in (ObservationRow, StatusEventRow, MetaRow, AttachmentRow)]
            SQLModel.metadata.create_all(connection, tables=tables)
        elif version == 1:  # a release without photos: add their table
            SQLModel.metadata.create_all(connection, tables=[table_of(AttachmentRow)])
        # Later releases: migrate step by step from `version` to SCHEMA_VERSION here.
        if version < SCHEMA_VERSION:
            connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
