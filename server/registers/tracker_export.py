"""The tracker as files: obligations with their status as CSV (spreadsheets), the units' last
verified positions as GeoJSON (QGIS). Both from the same page the API answers."""

import csv
import io
from typing import Any

COLUMNS = ("id", "name_en", "name_ar", "type", "deadline", "status", "progress", "completed_on", "evidence")


def obligations_csv(page: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in page["obligations"]:
        ob = row["obligation"]
        writer.writerow([ob["id"], ob["name_en"], ob.get("name_ar") or "", ob["type"], ob["deadline"], row["status"],
                         row["progress"], row["completed_on"] or "", " ".join(row["evidence"])])
    return out.getvalue()


def units_geojson(page: dict[str, Any]) -> dict[str, Any]:
    features = []
    for row in page["units"]:
        unit = row["unit"]
        point = None if row["lat"] is None else {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
        features.append({
            "type": "Feature",
            "id": unit["id"],
            "geometry": point,
            "properties": {"name_en": unit["name_en"], "name_ar": unit.get("name_ar") or "", "side": unit.get("side"),
                           "home_camp": unit.get("home_camp"), "record_id": row["record_id"],
                           "observed_at": row["observed_at"], "at_camp": row["at_camp"]},
        })
    return {"type": "FeatureCollection", "features": features}
