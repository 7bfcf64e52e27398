"""The `details_*` columns of the exports: a kind's own fields flattened, and the set of them
kept in the database (`report_detail_columns`) so the CSV header is known before its rows.

`details_<field>` for a plain value, `details_<field>_<key>` for each key of a nested object
(`details_vehicles_tank`). Ingest adds the names a batch brings (one INSERT ... ON CONFLICT DO
NOTHING per batch); migration 0005 filled them in for the reports stored before.
"""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from .database import insert_ignoring_conflicts
from .models import ReportDetailColumn, table_of

MAX_NAME = 200  # the column's width; a longer name (keys are at most 64 characters) can't occur


def flat_details(content: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    """(column name, value) for each of the record's own fields, nested objects one level down."""
    details = content.get("details")
    if not isinstance(details, dict):
        return
    for key, value in details.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                yield f"details_{key}_{sub}", inner
        else:
            yield f"details_{key}", value


def detail_columns(content: dict[str, Any]) -> set[str]:
    return {name for name, _ in flat_details(content) if len(name) <= MAX_NAME}


def remember(session: Session, names: set[str]) -> None:
    """Add the names not known yet (racing processes: the primary key keeps one of each)."""
    if names:
        statement = insert_ignoring_conflicts(session, table_of(ReportDetailColumn), key=["name"])
        session.execute(statement, [{"name": name} for name in sorted(names)])


def known(session: Session) -> list[str]:
    """Every column name, sorted (the CSV's order after the base columns)."""
    return list(
        session.scalars(sa.select(col(ReportDetailColumn.name)).order_by(col(ReportDetailColumn.name)))
    )
