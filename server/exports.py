"""Exports for analysts: GeoJSON (RFC 7946) and CSV, with the queue's filters.

Both carry the same flat columns, so QGIS/GDAL and spreadsheets read them as they are:
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
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from .models import Report, ReviewEvent
from .record_content import read_stored
from .report_filters import ReportFilters

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


def report_rows(session: Session, filters: ReportFilters) -> list[dict[str, Any]]:
    """One flat dict per report (oldest received first)."""
    reports = session.scalars(
        sa.select(Report)
        .where(*filters.conditions())
        .order_by(col(Report.received_at), col(Report.device_id), col(Report.seq), col(Report.record_id))
    ).all()
    last_decision = _last_decisions(session, [r.record_id for r in reports])
    return [_flatten(report, last_decision.get(report.record_id)) for report in reports]


def geojson(session: Session, filters: ReportFilters) -> dict[str, Any]:
    features = []
    for row in report_rows(session, filters):
        features.append(
            {
                "type": "Feature",
                "id": row["record_id"],
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": row,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def csv_text(session: Session, filters: ReportFilters) -> str:
    rows = report_rows(session, filters)
    detail_columns = sorted({key for row in rows for key in row if key not in BASE_COLUMNS})
    columns = [*BASE_COLUMNS, *detail_columns]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(row.get(key)) for key in columns})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _last_decisions(session: Session, record_ids: list[str]) -> dict[str, ReviewEvent]:
    found: dict[str, ReviewEvent] = {}
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        for event in session.scalars(
            sa.select(ReviewEvent).where(col(ReviewEvent.record_id).in_(chunk)).order_by(col(ReviewEvent.id))
        ):
            found[event.record_id] = event
    return found


def _flatten(report: Report, decision: ReviewEvent | None) -> dict[str, Any]:
    stored = read_stored(report.body)
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
    details = content.get("details")
    if isinstance(details, dict):
        for key, value in details.items():
            if isinstance(value, dict):
                for sub, inner in value.items():
                    row[f"details_{key}_{sub}"] = _scalar(inner)
            else:
                row[f"details_{key}"] = _scalar(value)
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


# --- zip: the GeoJSON plus the photos ------------------------------------------------------

ZIP_GEOJSON = "reports.geojson"
ZIP_MANIFEST = "photos.csv"
MANIFEST_COLUMNS = ("record_id", "sha256", "file", "name", "mime", "size", "status")


def write_zip(session: Session, filters: ReportFilters, store: Any, out: Any) -> int:
    """`reports.geojson`, each fully arrived photo as `photos/<sha256>.jpg|.png`, and
    `photos.csv` (which report lists which photo; photos still on their way are listed as
    `pending`, without a file). Returns the number of photo files written.

    Each feature gets a `photos` property: its photo files, separated by `;`.
    """
    import zipfile

    from .attachments import photos_of_report

    collection = geojson(session, filters)
    manifest = io.StringIO()
    manifest.write("\ufeff")
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS)
    written: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for feature in collection["features"]:
            files = []
            for photo in photos_of_report(session, feature["id"]):
                extension = ".png" if photo["mime"] == "image/png" else ".jpg"
                name = f"photos/{photo['sha256']}{extension}"
                status = "complete" if photo["complete"] else "pending"
                if photo["complete"]:
                    files.append(name)
                    if name not in written:
                        # Already compressed images: stored as they are, byte for byte.
                        with archive.open(zipfile.ZipInfo(name), "w", force_zip64=True) as entry:
                            for piece in store.iter_photo(photo["sha256"]):
                                entry.write(piece)
                        written.add(name)
                writer.writerow(
                    [
                        _cell(feature["id"]),
                        photo["sha256"],
                        name if photo["complete"] else "",
                        _cell(photo["name"]),
                        photo["mime"],
                        photo["size"],
                        status,
                    ]
                )
            feature["properties"]["photos"] = ";".join(files) or None
        archive.writestr(ZIP_GEOJSON, json.dumps(collection, ensure_ascii=False))
        archive.writestr(ZIP_MANIFEST, manifest.getvalue())
    return len(written)
