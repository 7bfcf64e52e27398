"""The SQLite file: engine factory, pragmas, schema and its version.

No engine exists until `open_database` is called. Every transaction starts with
BEGIN IMMEDIATE, so two finalizes (even from two processes) are serialized and
can't take the same sequence number.
"""

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlmodel import SQLModel

from fieldapp.vault import DeviceKeys
from sync.private_files import private_sqlite_file, private_tree

from .attachments.table import AttachmentRow
from .errors import DatabaseTooNew
from .states import STATES
from .tables import MetaRow, ObservationRow, StateCountRow, StatusEventRow, table_of

DATABASE_FILE = "fieldapp.db"
# 2: the attachment table (photos). 3: only id, state and a sort key in clear; state counts.
SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 5000

# The counts of each state follow every insert, delete and change of state, in the same
# transaction, whichever code path made it: the home screen reads them in O(1).
COUNT_TRIGGERS = (
    """CREATE TRIGGER observation_counted AFTER INSERT ON observation BEGIN
        UPDATE state_count SET n = n + 1 WHERE state = NEW.state; END""",
    """CREATE TRIGGER observation_uncounted AFTER DELETE ON observation BEGIN
        UPDATE state_count SET n = n - 1 WHERE state = OLD.state; END""",
    """CREATE TRIGGER observation_recounted AFTER UPDATE OF state ON observation
        WHEN OLD.state IS NOT NEW.state BEGIN
        UPDATE state_count SET n = n - 1 WHERE state = OLD.state;
        UPDATE state_count SET n = n + 1 WHERE state = NEW.state; END""",
)


def database_path(data_dir: Path) -> Path:
    return Path(data_dir) / DATABASE_FILE


def open_database(data_dir: Path, keys: DeviceKeys, *, synchronous: str = "NORMAL") -> Engine:
    """An engine over data_dir/fieldapp.db, with the schema created, checked or upgraded.

    Upgrading an older file needs the keys (kind and times move into ciphertext).

    WAL with synchronous=NORMAL (Android's own default for WAL databases): every commit is
    atomic and survives the app crashing; a power cut may lose the last commits before the
    next checkpoint, never corrupt the file. Measured on a busy 2-core VM, FULL's fsync per
    save cost 3-8 ms (bench/save.py). So that nothing leaves the device and is then lost,
    the outbox checkpoints (fsync) before it hands records to the sync engine.
    """
    path = database_path(data_dir)
    private_tree(path.parent)  # what an earlier release left 0755 / 0644 is narrowed
    private_sqlite_file(path)  # 0600 before SQLite opens it: its -wal and -shm follow
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

    _prepare_schema(engine, keys)
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


def create_tables(connection: Connection, models: tuple[type[SQLModel], ...]) -> None:
    """Create our tables (only ours: other packages' models may share SQLModel.metadata in one
    process), with the state counts' rows and triggers when the observation table is new."""
    SQLModel.metadata.create_all(connection, tables=[table_of(model) for model in models])
    if StateCountRow in models:
        connection.execute(table_of(StateCountRow).insert(), [{"state": state, "n": 0} for state in STATES])
        for trigger in COUNT_TRIGGERS:
            connection.exec_driver_sql(trigger)


def _prepare_schema(engine: Engine, keys: DeviceKeys) -> None:
    with engine.begin() as connection:
        version = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
        if version > SCHEMA_VERSION:
            raise DatabaseTooNew()
        if version == 0:
            create_tables(connection, (ObservationRow, StatusEventRow, StateCountRow, MetaRow, AttachmentRow))
            connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    if 0 < version < SCHEMA_VERSION:
        from .migration import upgrade

        upgrade(engine, keys, version)
