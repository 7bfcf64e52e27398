"""Exports for analysts: GeoJSON (RFC 7946) and CSV, with the queue's filters.

Both are streamed: a chunk of reports is read, flattened and written at a time (the first
bytes leave before any report is read; memory does not grow with the table). Both carry the
same flat columns, so QGIS/GDAL and spreadsheets read them as they are:
- GeoJSON: a FeatureCollection, one Point Feature per report, coordinates [lon, lat]
  (WGS 84, RFC 7946 §3.1.1), `id` = record id, scalar properties only (the kind's own
  fields flattened as `details_<field>`, nested ones as `details_<field>_<key>`).
- CSV: RFC 4180 (comma, double quotes, CRLF), UTF-8 with a byte-order mark so Excel
  reads Arabic and other non-Latin text correctly (LibreOffice and GDAL ignore the BOM), a
  header row, one row per report. Text cells that a spreadsheet would run as a formula
  (starting with = + - @ or a tab/CR) are prefixed with an apostrophe.
"""

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from . import detail_columns
from .models import Report, ReviewEvent
from .record_content import StoredContent, read_stored
from .report_filters import ReportFilters
from .review import QUEUE_ORDER

BASE_COLUMNS = (
    "record_id",
    "kind",
    "state",
    "observed_at",  # UTC
    "observed_at_local",  # as the observer's device wrote it, in its own offset (signed)
    # that offset as "UTC+02:00" (a cell starting with + or - would be a formula to a spreadsheet)
    "utc_offset",
    "recorded_at",
    "received_at",
    "device_id",
    "seq",
    "chain_status",
    "lat",
    "lon",
    "accuracy_m",
    "location_source",
    "place",
    "location_description",  # "12 km NE of Sirte" (server/location_description.py)
    "observed_by",
    "certainty",
    "description",
    "controlling_side",
    "amends",
    "amends_invalid",
    "review_reason",
    "reviewed_by",
    "reviewed_at",
    "content_problem",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_COLUMNS = tuple(
    col(getattr(Report, name))
    for name in (
        "record_id",
        "kind",
        "state",
        "observed_at",
        "recorded_at",
        "received_at",
        "device_id",
        "seq",
        "chain_status",
        "lat",
        "lon",
        "location_description",
        "amends",
        "amends_invalid",
        "body",
    )
)


CHUNK = 500  # reports read, flattened and written per step: memory stays flat with the table


def report_chunks(
    session: Session, filters: ReportFilters
) -> Iterator[list[tuple[dict[str, Any], dict[str, Any]]]]:
    """(flat row, body content) per report, oldest received first, `CHUNK` at a time.

    One streamed SELECT (`yield_per`: a server-side cursor on PostgreSQL, SQLite's own cursor)
    plus one query per chunk for the chunk's last decisions.
    """
    result = session.execute(
        sa.select(*_COLUMNS)
        .where(*filters.conditions())
        .order_by(*QUEUE_ORDER)
        .execution_options(yield_per=CHUNK)
    )
    for part in result.partitions():
        decisions = _last_decisions(session, [row.record_id for row in part])
        found = []
        for row in part:
            stored = read_stored(row.body)
            found.append((_flatten(row, stored, decisions.get(row.record_id)), stored.content))
        yield found


def geojson_pieces(session: Session, filters: ReportFilters) -> Iterator[str]:
    """The FeatureCollection as text in pieces (the first before any report is read)."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for chunk in report_chunks(session, filters):
        text = ", ".join(_dumps(feature(row)) for row, _ in chunk)
        yield text if first else ", " + text
        first = False
    yield "]}"


def feature(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": row["record_id"],
        "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
        "properties": row,
    }


def csv_pieces(session: Session, filters: ReportFilters) -> Iterator[str]:
    """The CSV in pieces: BOM and header first (the detail columns are kept in the database:
    server/detail_columns.py), then the rows a chunk at a time."""
    columns = [*BASE_COLUMNS, *detail_columns.known(session)]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    yield _take(out)
    for chunk in report_chunks(session, filters):
        for row, _ in chunk:
            writer.writerow({key: _cell(row.get(key)) for key in columns})
        yield _take(out)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _last_decisions(session: Session, record_ids: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    query = (
        sa.select(
            col(ReviewEvent.record_id), col(ReviewEvent.reason), col(ReviewEvent.actor), col(ReviewEvent.at)
        )
        .where(col(ReviewEvent.record_id).in_(record_ids))
        .order_by(col(ReviewEvent.id))
    )
    for event in session.execute(query):
        found[event.record_id] = event
    return found


def _flatten(report: Any, stored: StoredContent, decision: Any) -> dict[str, Any]:
    content = stored.content
    found = content.get("location")
    location = found if isinstance(found, dict) else {}
    row: dict[str, Any] = {
        "record_id": report.record_id,
        "kind": report.kind,
        "state": report.state,
        "observed_at": report.observed_at.isoformat(),
        **_local_time(content.get("observed_at")),
        "recorded_at": report.recorded_at.isoformat() if report.recorded_at else None,
        "received_at": report.received_at.isoformat(),
        "device_id": report.device_id,
        "seq": report.seq,
        "chain_status": report.chain_status,
        "lat": report.lat,
        "lon": report.lon,
        "accuracy_m": _scalar(location.get("accuracy_m")),
        "location_source": _scalar(location.get("source")),
        "place": _scalar(content.get("place")),
        "location_description": report.location_description,
        "observed_by": _scalar(content.get("observed_by")),
        "certainty": _scalar(content.get("certainty")),
        "description": _scalar(content.get("description")),
        "controlling_side": _scalar(content.get("controlling_side")),
        "amends": report.amends,
        "amends_invalid": report.amends_invalid,
        "review_reason": decision.reason if decision else None,
        "reviewed_by": decision.actor if decision else None,
        "reviewed_at": decision.at.isoformat() if decision else None,
        "content_problem": stored.problem,
    }
    for name, value in detail_columns.flat_details(content):
        row[name] = _scalar(value)
    return row


def _local_time(text: Any) -> dict[str, Any]:
    """The record's own `observed_at` and its offset ("UTC+02:00"); None for what isn't one."""
    try:
        offset = datetime.fromisoformat(text).utcoffset() if isinstance(text, str) else None
    except ValueError:
        offset = None
    if offset is None:
        return {"observed_at_local": None, "utc_offset": None}
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return {
        "observed_at_local": text,
        "utc_offset": f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}",
    }


def _scalar(value: Any) -> Any:
    """Keep JSON scalars; anything nested becomes its JSON text (one cell, one property)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
