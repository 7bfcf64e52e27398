"""A situation report's tables as CSV, one table per file (`table=`), for spreadsheets: RFC 4180
with a UTF-8 byte-order mark, machine names in the header, the same cell guard as the exports
(a text cell a spreadsheet would run as a formula gets an apostrophe: server/exports.py).
The report list is streamed."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from ..exports import _cell
from .compute import Sitrep

TABLES = (
    "violations",
    "kinds",
    "reports",
    "unit_movements",
    "foreign_fighters",
    "heavy_weapons",
    "freedom_of_movement",
)


def csv_pieces(sitrep: Sitrep, table: str, reports: Iterable[dict[str, Any]]) -> Iterator[str]:
    columns, rows = _table(sitrep, table, reports)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for index, row in enumerate(rows, start=1):
        writer.writerow([_cell(value) for value in row])
        if index % 500 == 0:
            yield _take(out)
    yield _take(out)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _name(entry: dict[str, str] | None) -> str:
    return entry["name_en"] if entry else ""


def _id(entry: dict[str, str] | None) -> str:
    return entry["id"] if entry else ""


def _table(
    sitrep: Sitrep, table: str, reports: Iterable[dict[str, Any]]
) -> tuple[list[str], Iterable[list[Any]]]:
    s = sitrep.sections
    names = {a.id: a.name_en for a in sitrep.areas}
    if table == "violations":
        return (
            ["area_id", "area", "type", "current", "previous", "change", "since", "since_date"],
            [
                [
                    a,
                    names[a],
                    v["type"],
                    v["current"],
                    v["previous"],
                    v["change"],
                    v["since"],
                    sitrep.definition.since_day.isoformat(),
                ]
                for a, counts in sitrep.tables["areas"].items()
                for v in counts["violations"]
            ],
        )
    if table == "kinds":
        return (
            ["area_id", "area", "kind", "current", "previous"],
            [
                [a, names[a], kind, n["current"], n["previous"]]
                for a, counts in sitrep.tables["areas"].items()
                for kind, n in counts["kinds"].items()
            ],
        )
    if table == "reports":
        return (
            [
                "record_id",
                "body_hash",
                "observed_at_utc",
                "local_time",
                "area_id",
                "kind",
                "violation_type",
                "events",
                "state",
                "unverified",
                "lat",
                "lon",
                "location",
                "location_ar",
                "description",
            ],
            (
                [
                    r["record_id"],
                    r["body_hash"],
                    r["observed_at"],
                    r["local_time"],
                    r["area"],
                    r["kind"],
                    r["violation_type"],
                    r["events"],
                    r["state"],
                    r["unverified"],
                    r["lat"],
                    r["lon"],
                    r["location"]["en"],
                    r["location"]["ar"],
                    r["description"],
                ]
                for r in reports
            ),
        )
    common = ["record_id", "local_time", "area_id", "location", "unverified"]

    def base(item: dict[str, Any]) -> list[Any]:
        return [
            item["record_id"],
            item["local_time"],
            item["area"],
            item["location"]["en"],
            item["unverified"],
        ]

    if table == "unit_movements":
        return (
            [
                *common,
                "kind",
                "unit_id",
                "unit",
                "side",
                "camp_id",
                "camp",
                "completeness",
                "personnel",
                "vehicles",
                "heading",
                "from_place",
                "to_place",
            ],
            [
                [
                    *base(m),
                    m["kind"],
                    _id(m["unit"]),
                    _name(m["unit"]),
                    (m["unit"] or {}).get("side", ""),
                    _id(m["camp"]),
                    _name(m["camp"]),
                    m["completeness"],
                    m["personnel"],
                    " ".join(f"{k}={v}" for k, v in m["vehicles"].items()),
                    m["heading"],
                    m["from_place"],
                    m["to_place"],
                ]
                for m in s["unit_movements"]
            ],
        )
    if table == "foreign_fighters":
        return (
            [*common, "activity", "estimated_number", "nationality", "means", "crossing_id", "crossing"],
            [
                [
                    *base(f),
                    f["activity"],
                    f["estimated_number"],
                    f["nationality"],
                    f["means"],
                    _id(f["crossing"]),
                    _name(f["crossing"]),
                ]
                for f in s["foreign_fighters"]["reports"]
            ],
        )
    if table == "heavy_weapons":
        return (
            [*common, "system", "calibre_mm", "count", "firing_position", "rules", "entries"],
            [
                [
                    *base(w),
                    w["system"],
                    w["calibre_mm"],
                    w["count"],
                    w["firing_position"],
                    " ".join(r["rule"] for r in w["reasons"]),
                    " ".join(r["entry_id"] for r in w["reasons"] if r["entry_id"]),
                ]
                for w in s["heavy_weapons"]
            ],
        )
    return (
        [*common, "restriction", "by_whom", "reason_given", "description"],
        [
            [*base(r), r["restriction"], r["by_whom"], r["reason_given"], r["description"]]
            for r in s["freedom_of_movement"]
        ],
    )
