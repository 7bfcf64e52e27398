"""Register files: CSV (a header row) and GeoJSON (a FeatureCollection), both ways.

Columns: `id`, `name_en`, `name_ar` for every register, plus each register's own (COLUMNS);
an optional `retired` (true/false). Points are `lat`, `lon` columns in CSV; a line or area is
its GeoJSON geometry as JSON text in a `geometry` column. GeoJSON features carry the same
names as properties and the shape as the feature's geometry. Lines are numbered as a person
counts them in the file: CSV rows from 2 (1 is the header), GeoJSON features from 1.
"""

import csv
import io
import json
from typing import Any

from ..errors import InvalidInput
from .store import ALL_REGISTERS, Entry, RowProblem, check_register

COMMON = ("id", "name_en", "name_ar")
COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("side", "type", "home_camp", "area"),
    "camps": ("side", "lat", "lon", "radius_m"),
    "storage_sites": ("side", "lat", "lon", "radius_m"),
    "crossings": ("type", "lat", "lon"),
    "lines_and_areas": ("type", "side", "beyond", "geometry"),
    "obligations": ("type", "deadline", "unit", "camp", "crossing", "storage_site", "weapon_type", "expected"),
}
assert tuple(COLUMNS) == ALL_REGISTERS
NUMBERS = ("lat", "lon", "radius_m")
MAX_FILE_BYTES = 20 * 1024 * 1024


def parse_file(register: str, text: str, *, fmt: str) -> tuple[list[tuple[int, dict[str, Any]]], list[RowProblem]]:
    """The file's entries as (line, values), and the rows that could not even be read."""
    check_register(register)
    if len(text) > MAX_FILE_BYTES:
        raise InvalidInput("the file is over 20 MiB: more than a register holds")
    if fmt == "csv":
        return _parse_csv(register, text)
    if fmt == "geojson":
        return _parse_geojson(text)
    raise InvalidInput("the format must be csv or geojson")


def guess_format(name: str) -> str:
    return "geojson" if name.lower().endswith((".geojson", ".json")) else "csv"


def _parse_csv(register: str, text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[RowProblem]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    allowed = set(COMMON + COLUMNS[register] + ("retired",))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in allowed]
    if "id" not in header or "name_en" not in header or unknown:
        expected = ", ".join(COMMON + COLUMNS[register])
        detail = f" (unknown: {', '.join(unknown)})" if unknown else ""
        raise InvalidInput(f"line 1: the header must name the columns {expected}{detail}")
    items: list[tuple[int, dict[str, Any]]] = []
    problems: list[RowProblem] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(RowProblem(line, "more cells than the header has columns"))
            continue
        values: dict[str, Any] = {k: v.strip() for k, v in row.items() if v is not None and v.strip() != ""}
        try:
            items.append((line, _from_cells(values)))
        except ValueError as exc:
            problems.append(RowProblem(line, str(exc)))
    return items, problems


def _from_cells(values: dict[str, Any]) -> dict[str, Any]:
    for name in NUMBERS:
        if name in values:
            try:
                values[name] = float(values[name])
            except ValueError:
                raise ValueError(f"{name}: not a number: {values[name]!r}") from None
    if "expected" in values:
        try:
            values["expected"] = int(values["expected"])
        except ValueError:
            raise ValueError(f"expected: not a whole number: {values['expected']!r}") from None
    if "retired" in values:
        flag = values["retired"].lower()
        if flag not in ("true", "false", "yes", "no", "1", "0"):
            raise ValueError("retired: must be true or false")
        values["retired"] = flag in ("true", "yes", "1")
    if "lat" in values or "lon" in values:
        if "lat" not in values or "lon" not in values:
            raise ValueError("a point needs both lat and lon")
        values["geometry"] = {"type": "Point", "coordinates": [values.pop("lon"), values.pop("lat")]}
    elif "geometry" in values:
        try:
            values["geometry"] = json.loads(values["geometry"])
        except ValueError:
            raise ValueError("geometry: not GeoJSON geometry text") from None
    return values


def _parse_geojson(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[RowProblem]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"not GeoJSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
        data.get("features"), list
    ):
        raise InvalidInput("the file must be a GeoJSON FeatureCollection")
    items: list[tuple[int, dict[str, Any]]] = []
    problems: list[RowProblem] = []
    for number, feature in enumerate(data["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(RowProblem(number, "not a GeoJSON Feature"))
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            problems.append(RowProblem(number, "properties must be an object"))
            continue
        values = dict(properties)
        if "id" not in values and isinstance(feature.get("id"), str):
            values["id"] = feature["id"]
        if feature.get("geometry") is not None:
            values["geometry"] = feature["geometry"]
        items.append((number, values))
    return items, problems


# -- export ------------------------------------------------------------------------------


def to_csv(register: str, entries: list[Entry]) -> str:
    columns = (*COMMON, *COLUMNS[register], "retired", "version")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        data = entry.model_dump(mode="json")
        geometry = data.pop("geometry", None)
        if geometry and geometry["type"] == "Point" and "lat" in columns:
            data["lon"], data["lat"] = geometry["coordinates"][:2]
        elif geometry:
            data["geometry"] = json.dumps(geometry, separators=(",", ":"))
        writer.writerow({name: _cell(data.get(name)) for name in columns})
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_geojson(entries: list[Entry]) -> dict[str, Any]:
    features = []
    for entry in entries:
        data = entry.model_dump(mode="json")
        geometry = data.pop("geometry", None)
        data.pop("register_name", None)
        features.append({"type": "Feature", "id": entry.id, "geometry": geometry, "properties": data})
    return {"type": "FeatureCollection", "features": features}
