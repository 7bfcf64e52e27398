"""The report page's first card: the observation itself, read as a monitor wrote it — what,
when (the observer's local time with its offset, and UTC), where (place, "12 km NE of Sirte",
lat/lon, MGRS, how the position was taken), how observed, certainty, description, then the
kind's own fields in the form's order with the form's labels (state/record_text.py)."""

from __future__ import annotations

from typing import Any

import flet as ft

from sync.geo import mgrs_of

from ..location_warnings import location_warnings
from ..state.record_text import (
    detail_lines,
    field_label,
    kind_label,
    observation_lines,
    place_text,
    source_text,
    when_text,
)
from .widgets import card, field_row, heading, tagged


def observation_card(d: dict[str, Any]) -> ft.Control:
    record = d.get("record") or {}
    found = record.get("location")
    location: dict[str, Any] = found if isinstance(found, dict) else {}
    local, utc = when_text(record.get("observed_at"))
    rows: list[ft.Control] = [
        field_row("What", kind_label(record.get("kind") or d.get("kind")), identifier="observation-kind"),
        field_row("When", f"{local}\n{utc}" if utc else local, identifier="observation-when"),
        *_where(d, record, location),
        *[
            field_row(line.label, line.text, identifier=f"field-{line.name}")
            for line in observation_lines(record)
        ],
    ]
    details = detail_lines(record)
    if details:
        rows.append(ft.Divider(height=1))
        rows.append(tagged(heading("Details", size=15), "observation-details-title"))
        rows += [field_row(line.label, line.text, identifier=f"detail-{line.name}") for line in details]
    return tagged(card(heading("What was observed", size=16), *rows), "report-observation")


def _where(d: dict[str, Any], record: dict[str, Any], location: dict[str, Any]) -> list[ft.Control]:
    rows: list[ft.Control] = []
    place = place_text(record)
    rows.append(field_row(field_label("place"), place, identifier="field-place"))
    rows.append(field_row("Where", d.get("location_description"), identifier="location-description"))
    lat, lon = location.get("lat"), location.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        rows.append(field_row("Lat, lon", f"{lat:.5f}, {lon:.5f}", identifier="observation-latlon"))
        rows.append(field_row("MGRS", mgrs_of(lat, lon), identifier="observation-mgrs"))
    how = [part for part in (source_text(location), _accuracy(location.get("accuracy_m"))) if part]
    if location.get("fix_at"):
        how.append(f"fix taken {when_text(location.get('fix_at'))[0]}")
    rows.append(field_row("Position", ", ".join(how) or None))
    if isinstance(record.get("place_ref"), dict):
        rows.append(field_row("Gazetteer id", record["place_ref"].get("id")))
    for warning in location_warnings(record):  # mock location, weak or stale fix (issue 18.5)
        rows.append(
            ft.Row(
                [
                    ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.ORANGE_900, size=18),
                    ft.Semantics(
                        content=ft.Text(warning, color=ft.Colors.ORANGE_900),
                        identifier="location-warning",
                        expand=True,
                    ),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
            )
        )
    return rows


def _accuracy(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"±{value:.0f} m"
    return None
