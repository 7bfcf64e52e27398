"""The mission layer's use cases on a session: import a file, the tracker, the flags."""

from typing import Any

from sqlalchemy.orm import Session

from ..clock import Clock
from ..keys import ServerKeys
from .evidence import read_reports
from .files import parse_file
from .flags import FlagRules
from .obligations import Obligation
from .store import ImportResult, entries_by_id, list_entries, put_entries
from .tracker import TRACKED_KINDS, Registers, tracker

# What a flag is worth looking at on: reports still to decide and verified ones.
FLAGGED_STATES = ("received", "needs_info", "verified")


def import_file(
    session: Session, register: str, text: str, *, fmt: str, keys: ServerKeys, clock: Clock, actor: str
) -> ImportResult:
    """A CSV or GeoJSON file into a register, all or nothing (ImportRefused names every bad row)."""
    items, unreadable = parse_file(register, text, fmt=fmt)
    return put_entries(session, register, items, keys=keys, clock=clock, actor=actor, unreadable=unreadable)


def load_registers(session: Session) -> Registers:
    return Registers(
        units=entries_by_id(session, "units"),
        camps=entries_by_id(session, "camps"),
        crossings=entries_by_id(session, "crossings"),
        storage_sites=entries_by_id(session, "storage_sites"),
        lines_and_areas=entries_by_id(session, "lines_and_areas"),
    )


def tracker_page(session: Session, *, clock: Clock, side: str | None = None, area: str | None = None) -> dict[str, Any]:
    obligations = [o for o in list_entries(session, "obligations") if isinstance(o, Obligation)]
    reports = list(read_reports(session, states=("verified",), kinds=TRACKED_KINDS))
    registers = load_registers(session)
    page = tracker(obligations, reports, registers, clock=clock, side=side, area=area)
    # What the page's filters offer: the sides the registers name, and the areas.
    page["sides"] = sorted({u.side for u in registers.units.values() if u.side})
    page["areas"] = [
        {"id": a.id, "name_en": a.name_en, "name_ar": a.name_ar}
        for a in registers.lines_and_areas.values()
        if a.geometry and a.geometry["type"] in ("Polygon", "MultiPolygon") and not a.retired
    ]
    return page


def flag_rules(session: Session) -> FlagRules:
    registers = load_registers(session)
    return FlagRules(
        lines_and_areas=registers.lines_and_areas.values(),
        storage_sites=registers.storage_sites.values(),
        units=registers.units.values(),
    )


def flags(session: Session, *, record_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Flags of the newest reports still to decide or verified (or of one report, any state)."""
    rules = flag_rules(session)
    if record_id is not None:
        reports = read_reports(session, states=("received", "needs_info", "verified", "unverifiable", "rejected"),
                               record_ids=[record_id])
    else:
        reports = read_reports(session, states=FLAGGED_STATES)
    found: list[dict[str, Any]] = []
    for report in reports:
        found += [flag.public() for flag in rules.check(report)]
        if len(found) >= limit:
            break
    return found[:limit]
