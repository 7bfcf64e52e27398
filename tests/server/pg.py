"""A throwaway PostgreSQL schema per test, from FIELDAPP_TEST_DATABASE_URL."""

import contextlib
import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import sqlalchemy as sa

PG_ENV = "FIELDAPP_TEST_DATABASE_URL"


def postgres_required() -> bool:
    return bool(os.environ.get(PG_ENV)) or os.environ.get("CI") == "true"


@contextlib.contextmanager
def fresh_schema() -> Iterator[str]:
    """A database URL whose search_path is a new, empty schema; dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.fail(f"{PG_ENV} is not set but CI=true: the PostgreSQL tests must run in CI")
    schema = f"fieldapp_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sa.exc.OperationalError as exc:
        pytest.fail(f"{PG_ENV} is set but PostgreSQL is unreachable: {exc.orig}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()
