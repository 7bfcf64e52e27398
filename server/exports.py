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
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased
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
    "fix_at",  # when the GPS receiver took the fix, as signed (with its offset)
    "mocked",  # Android's mock-location flag for that fix (empty: the phone said nothing)
    "place",
    "place_ref",  # the gazetteer id when the place was picked from the offline list
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
# The stored times are read as the naive UTC they are (no per-value conversion to aware
# datetimes) and written with their "+00:00", as an aware value's isoformat() would be.
_TIMES = ("observed_at", "recorded_at", "received_at")
_COLUMNS = tuple(
    sa.type_coerce(col(getattr(Report, name)), sa.DateTime()).label(name)
    if name in _TIMES
    else col(getattr(Report, name))
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
# Each report's last decision, in the same row: one index probe per report (by record id,
# highest event id), no second query per chunk.
_LAST = aliased(ReviewEvent, name="last_decision")
_LAST_ID = (
    sa.select(sa.func.max(col(ReviewEvent.id)))
    .where(col(ReviewEvent.record_id) == col(Report.record_id))
    .correlate(Report)
    .scalar_subquery()
)
_DECISION = (
    col(_LAST.reason).label("review_reason"),
    col(_LAST.actor).label("reviewed_by"),
    sa.type_coerce(col(_LAST.at), sa.DateTime()).label("reviewed_at"),
)


CHUNK = 500  # reports read, flattened and written per step: memory stays flat with the table


def report_chunks(
    session: Session, filters: ReportFilters
) -> Iterator[list[tuple[dict[str, Any], dict[str, Any]]]]:
    """(flat row, body content) per report, oldest received first, `CHUNK` at a time.

    One streamed SELECT (`yield_per`: a server-side cursor on PostgreSQL, SQLite's own
    cursor) of plain rows (no ORM objects), each with its last decision.
    """
    result = session.connection().execute(
        sa.select(*_COLUMNS, *_DECISION)
        .outerjoin(_LAST, col(_LAST.id) == _LAST_ID)
        .where(*filters.conditions())
        .order_by(*QUEUE_ORDER)
        .execution_options(yield_per=CHUNK)
    )
    for part in result.partitions():
        found = []
        for row in part:
            stored = read_stored(row.body)
            found.append((_flatten(row, stored, row if row.reviewed_by is not None else None), stored.content))
        yield found


def geojson_pieces(session: Session, filters: ReportFilters) -> Iterator[str]:
    """The FeatureCollection as text in pieces (the first before any report is read)."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for chunk in report_chunks(session, filters):
        text = orjson.dumps([feature(row) for row, _ in chunk])[1:-1].decode("utf-8")
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
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    yield _take(out)
    for chunk in report_chunks(session, filters):
        writer.writerows([[_cell(row.get(key)) for key in columns] for row, _ in chunk])
        yield _take(out)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if kind is bool:
        return "true" if value else "false"
    return value


def _flatten(report: Any, stored: StoredContent, decision: Any) -> dict[str, Any]:
    content = stored.content
    found = content.get("location")
    location = found if isinstance(found, dict) else {}
    row: dict[str, Any] = {
        "record_id": report.record_id,
        "kind": report.kind,
        "state": report.state,
        "observed_at": _utc(report.observed_at),
        **_local_time(content.get("observed_at")),
        "recorded_at": _utc(report.recorded_at),
        "received_at": _utc(report.received_at),
        "device_id": report.device_id,
        "seq": report.seq,
        "chain_status": report.chain_status,
        "lat": report.lat,
        "lon": report.lon,
        "accuracy_m": _scalar(location.get("accuracy_m")),
        "location_source": _scalar(location.get("source")),
        "fix_at": _scalar(location.get("fix_at")),
        "mocked": _scalar(location.get("mocked")),
        "place": _scalar(content.get("place")),
        "place_ref": _place_id(content.get("place_ref")),
        "location_description": report.location_description,
        "observed_by": _scalar(content.get("observed_by")),
        "certainty": _scalar(content.get("certainty")),
        "description": _scalar(content.get("description")),
        "controlling_side": _scalar(content.get("controlling_side")),
        "amends": report.amends,
        "amends_invalid": report.amends_invalid,
        "review_reason": decision.review_reason if decision else None,
        "reviewed_by": decision.reviewed_by if decision else None,
        "reviewed_at": _utc(decision.reviewed_at) if decision else None,
        "content_problem": stored.problem,
    }
    details = content.get("details")
    if details and type(details) is dict:  # as detail_columns.flat_details, inlined (per row)
        for key, value in details.items():
            if type(value) is dict:
                for sub, inner in value.items():
                    row[f"details_{key}_{sub}"] = _scalar(inner)
            else:
                row[f"details_{key}"] = _scalar(value)
    return row


def _utc(value: datetime | None) -> str | None:
    """A naive UTC time as an aware one's isoformat() writes it."""
    return None if value is None else value.isoformat() + "+00:00"


_OFFSETS: dict[Any, str] = {}  # offset -> "UTC+02:00": a record set holds a handful


def _local_time(text: Any) -> dict[str, Any]:
    """The record's own `observed_at` and its offset ("UTC+02:00"); None for what isn't one."""
    try:
        offset = datetime.fromisoformat(text).utcoffset() if isinstance(text, str) else None
    except ValueError:
        offset = None
    if offset is None:
        return {"observed_at_local": None, "utc_offset": None}
    shown = _OFFSETS.get(offset)
    if shown is None:
        minutes = int(offset.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        shown = _OFFSETS[offset] = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return {"observed_at_local": text, "utc_offset": shown}


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _scalar(value: Any) -> Any:
    """Keep JSON scalars; anything nested becomes its JSON text (one cell, one property)."""
    if type(value) in _SCALARS:
        return value
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def _place_id(ref: Any) -> Any:
    """The gazetteer id of a `place_ref` ({id, en, ar}: sync/places.py); the names are `place`."""
    return _scalar(ref.get("id")) if isinstance(ref, dict) else _scalar(ref)
