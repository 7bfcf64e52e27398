"""Several server processes starting at once against one database: one applies the migrations,
the others wait and find the schema at head (issue 19, point 5). Real processes, SQLite and
PostgreSQL: each runs `upgrade_schema` on a fresh database at the same moment."""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.database import make_engine
from tests.server.conftest import backends
from tests.server.pg import fresh_schema

PROCESSES = 4
MIGRATE = """
import sys, time
from server.database import make_engine, upgrade_schema
start = float(sys.argv[2])
while time.time() < start:  # all processes begin together
    time.sleep(0.001)
upgrade_schema(make_engine(sys.argv[1]))
"""
REPO = Path(__file__).resolve().parents[2]


def _migrate_at_once(url: str) -> list[subprocess.CompletedProcess]:
    import time

    start = str(time.time() + 3)  # long enough for every interpreter to import and wait
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE, url, start],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _head_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from server.database import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return set(ScriptDirectory.from_config(config).get_heads())


@pytest.mark.parametrize("backend", backends())
def test_processes_starting_together_migrate_once(backend, tmp_path):
    def check(url: str) -> None:
        results = _migrate_at_once(url)
        assert [r.returncode for r in results] == [0] * PROCESSES, [r.stderr[-1500:] for r in results]
        with make_engine(url).connect() as connection:
            versions = [row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")]
            tables = set(sa.inspect(connection).get_table_names())
        assert set(versions) == _head_revisions() and len(versions) == len(_head_revisions())
        assert {"reports", "devices", "alembic_version"} <= tables

    if backend == "sqlite":
        check(f"sqlite:///{tmp_path / 'server.db'}")
    else:
        with fresh_schema() as url:
            check(url)
