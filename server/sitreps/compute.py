"""A situation report's content, computed on the server in one streamed pass over the counted
reports: the numbers (`sync.sitrep_format.Tally`), the digest of the records they rest on,
and the period's sections (unit movements and withdrawals, foreign fighters by crossing, heavy
weapons in violation, the freedom-of-movement log). The list of every report is read again
when a format writes it (`reports_in_period`), so it is never held whole in memory.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync.registers import RegisterEntry
from sync.sitrep_format import FORMAT, VERSION, Tally, Window

from ..registers.evidence import ReportFacts
from ..registers.flags import FlagRules
from ..registers.service import load_registers
from .areas import OUTSIDE_AREA, Area, AreaFinder, ordered
from .definition import PENDING, SitrepDefinition
from .locations import Describe, describer
from .records import Counted, counted
from .sections import Sections


@dataclass
class Sitrep:
    """Everything of one report but the streamed record lists."""

    definition: SitrepDefinition
    window: Window
    generated_at: datetime
    server_key: str
    area_source: str
    areas: list[Area]
    tables: dict[str, Any]
    records_digest: str
    records_counted: int
    sections: dict[str, Any]
    map: dict[str, Any]
    registers: dict[str, dict[str, RegisterEntry]] = field(repr=False, default_factory=dict)

    def head(self) -> dict[str, Any]:
        """The report's JSON without `earlier_records` and `reports` (which are streamed)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "definition": self.definition.public(),
            "window": self.window.public(),
            "generated_at": self.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "server_key": self.server_key,
            "area_source": self.area_source,
            "areas": [{**area.public(), **self.tables["areas"][area.id]} for area in self.areas],
            "totals": self.tables["totals"],
            "records_digest": self.records_digest,
            "records_counted": self.records_counted,
            **self.sections,
            "map": self.map,
        }


class Context:
    """What computing needs besides the session: registers, areas, flags, place wording."""

    def __init__(self, session: Session, describe: Describe | None = None) -> None:
        registers = load_registers(session)
        self.registers = {
            "units": registers.units,
            "camps": registers.camps,
            "crossings": registers.crossings,
            "storage_sites": registers.storage_sites,
            "lines_and_areas": registers.lines_and_areas,
        }
        self.areas = AreaFinder(list(registers.lines_and_areas.values()))
        self.flags = FlagRules(
            lines_and_areas=registers.lines_and_areas.values(),
            storage_sites=registers.storage_sites.values(),
            units=registers.units.values(),
        )
        self.describe = describe or describer()


def compute(
    session: Session,
    definition: SitrepDefinition,
    *,
    server_key: str,
    now: datetime,
    context: Context | None = None,
) -> Sitrep:
    context = context or Context(session)
    window = definition.window()
    found = {area.id: area for area in context.areas.fixed_areas()}
    found.setdefault(OUTSIDE_AREA.id, OUTSIDE_AREA)
    tally = Tally(window, found, grow=True)
    digest = hashlib.sha256()
    sections = Sections(context, definition)
    n = 0
    for report in counted(
        session, states=definition.states, start=window.earliest, end=window.end, areas=context.areas
    ):
        found.setdefault(report.area.id, report.area)
        tally.add(report.compact(unverified=report.state in PENDING))
        digest.update(f"{report.record_id}:{report.body_hash}\n".encode("ascii"))
        n += 1
        if report.observed_at >= window.start:
            sections.add(report, _facts(report))
    areas = ordered(found)
    tables = tally.tables()
    return Sitrep(
        definition=definition,
        window=window,
        generated_at=now,
        server_key=server_key,
        area_source=context.areas.source,
        areas=areas,
        tables=tables,
        records_digest=digest.hexdigest(),
        records_counted=n,
        sections=sections.public(),
        map=sections.map_layers(),
        registers=context.registers,
    )


def _facts(report: Counted) -> ReportFacts:
    return ReportFacts(
        record_id=report.record_id,
        device_id="",
        kind=report.kind,
        state=report.state,
        observed_at=report.observed_at,
        lat=report.lat,
        lon=report.lon,
        details=report.details,
    )


def earlier_records(session: Session, sitrep: Sitrep, context: Context) -> Iterator[dict[str, Any]]:
    """The records counted before the period (previous period, running totals), oldest first."""
    window = sitrep.window
    for report in counted(
        session, states=sitrep.definition.states, start=window.earliest, end=window.start, areas=context.areas
    ):
        yield report.compact(unverified=report.state in PENDING)


def reports_in_period(session: Session, sitrep: Sitrep, context: Context) -> Iterator[dict[str, Any]]:
    """Every report of the period as the list shows it, oldest first."""
    window = sitrep.window
    for report in counted(
        session, states=sitrep.definition.states, start=window.start, end=window.end, areas=context.areas
    ):
        yield listed(report, context, sitrep.definition)


def listed(report: Counted, context: Context, definition: SitrepDefinition) -> dict[str, Any]:
    text = report.content.get("description")
    line = (text if isinstance(text, str) else "").strip().splitlines()
    return {
        **report.compact(unverified=report.state in PENDING),
        "state": report.state,
        "local_time": report.observed_at.astimezone(definition.zone()).strftime("%Y-%m-%d %H:%M"),
        "lat": report.lat,
        "lon": report.lon,
        "location": report.location(context.describe),
        "description": _one_line(line[0] if line else ""),
    }


def _one_line(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
