"""Registers, the device's register feed, the tracker and the flags (docs/registers.md)."""

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from sync.registers import ENTRY_ID_PATTERN, FEED_MAX_LIMIT, RegisterFeed
from sync.wire import RECORD_ID_PATTERN

from ..registers import files, service, store, tracker_export
from .auth import Admin, DeviceCaller, Verifier
from .context import Ctx
from .errors import ERROR_RESPONSES

router = APIRouter(responses=ERROR_RESPONSES)
RegisterPath = Annotated[
    Literal["units", "camps", "storage_sites", "crossings", "lines_and_areas", "obligations"], Path()
]
EntryPath = Annotated[str, Path(pattern=ENTRY_ID_PATTERN, max_length=64)]
Side = Annotated[str | None, Query(max_length=64)]


class EntriesIn(BaseModel):
    """Entries to add or edit (by id); each as in the register's export, without `version`."""

    model_config = ConfigDict(extra="forbid")
    entries: list[dict[str, Any]] = Field(min_length=1, max_length=5000)


class FileIn(BaseModel):
    """A register file's text (CSV with a header row, or a GeoJSON FeatureCollection)."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["csv", "geojson"]
    content: str = Field(max_length=files.MAX_FILE_BYTES)


class ImportOut(BaseModel):
    """What an import or edit did, by entry id."""

    added: list[str]
    changed: list[str]
    unchanged: list[str]


@router.get("/devices/me/registers", response_model=RegisterFeed, tags=["device"])
def register_feed(
    _device: DeviceCaller,
    ctx: Ctx,
    since: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=FEED_MAX_LIMIT)] = FEED_MAX_LIMIT,
) -> RegisterFeed:
    """Signed register entry versions published after `since` (the device verifies each)."""
    with ctx.transaction() as session:
        return store.feed(session, since=since, limit=limit)


@router.get("/registers/{register}", tags=["registers"])
def list_register(
    register: RegisterPath, _: Verifier, ctx: Ctx, include_retired: bool = True
) -> list[dict[str, Any]]:
    """Every entry of a register (current versions)."""
    with ctx.transaction() as session:
        return [store.public(e) for e in store.list_entries(session, register, include_retired=include_retired)]


@router.put("/registers/{register}", response_model=ImportOut, tags=["registers"])
def put_register(register: RegisterPath, body: EntriesIn, principal: Admin, ctx: Ctx) -> ImportOut:
    """Add or edit entries, all or nothing (422 names every bad item, numbered from 1)."""
    with ctx.transaction() as session:
        result = store.put_entries(
            session, register, enumerate(body.entries, start=1), keys=ctx.keys, clock=ctx.clock,
            actor=principal.username,
        )
    return ImportOut(added=result.added, changed=result.changed, unchanged=result.unchanged)


@router.post("/registers/{register}/import", response_model=ImportOut, tags=["registers"])
def import_register(register: RegisterPath, body: FileIn, principal: Admin, ctx: Ctx) -> ImportOut:
    """A CSV or GeoJSON file, idempotent by id, all or nothing (422 names every bad row's line)."""
    with ctx.transaction() as session:
        result = service.import_file(
            session, register, body.content, fmt=body.format, keys=ctx.keys, clock=ctx.clock,
            actor=principal.username,
        )
    return ImportOut(added=result.added, changed=result.changed, unchanged=result.unchanged)


@router.post("/registers/{register}/{entry_id}/retire", tags=["registers"])
def retire(register: RegisterPath, entry_id: EntryPath, principal: Admin, ctx: Ctx,
           retired: bool = True) -> dict[str, Any]:
    """Retire an entry (`retired=false` brings it back): it leaves the pickers, reports keep it."""
    with ctx.transaction() as session:
        entry = store.set_retired(session, register, entry_id, retired, keys=ctx.keys, clock=ctx.clock,
                                  actor=principal.username)
    return store.public(entry)


@router.get(
    "/registers/{register}/export",
    tags=["registers"],
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/geo+json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
            "description": "the register as GeoJSON or CSV",
        }
    },
)
def export_register(
    register: RegisterPath, _: Verifier, ctx: Ctx, format: Literal["csv", "geojson"] = "geojson"
) -> Response:
    """The register as CSV or GeoJSON (the import's formats; opens in QGIS and spreadsheets)."""
    with ctx.transaction() as session:
        entries = store.list_entries(session, register)
    if format == "csv":
        return Response(files.to_csv(register, entries), media_type="text/csv; charset=utf-8")
    return Response(json.dumps(files.to_geojson(entries), ensure_ascii=False), media_type="application/geo+json")


@router.get("/tracker", tags=["tracker"])
def tracker(
    _: Verifier,
    ctx: Ctx,
    side: Side = None,
    area: Annotated[str | None, Query(pattern=ENTRY_ID_PATTERN, max_length=64)] = None,
) -> dict[str, Any]:
    """Each obligation's status and evidence from verified reports, progress over time, units' positions."""
    with ctx.transaction() as session:
        return service.tracker_page(session, clock=ctx.clock, side=side, area=area)


@router.get(
    "/tracker/export",
    tags=["tracker"],
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/geo+json": {"schema": {"type": "object"}},
            },
            "description": "obligations with status (CSV) or units' last verified positions (GeoJSON)",
        }
    },
)
def tracker_file(
    _: Verifier,
    ctx: Ctx,
    format: Literal["csv", "geojson"] = "csv",
    side: Side = None,
    area: Annotated[str | None, Query(pattern=ENTRY_ID_PATTERN, max_length=64)] = None,
) -> Response:
    """The tracker for spreadsheets (obligations, CSV) or QGIS (units' positions, GeoJSON)."""
    with ctx.transaction() as session:
        page = service.tracker_page(session, clock=ctx.clock, side=side, area=area)
    if format == "csv":
        return Response(tracker_export.obligations_csv(page), media_type="text/csv; charset=utf-8")
    body = json.dumps(tracker_export.units_geojson(page), ensure_ascii=False)
    return Response(body, media_type="application/geo+json")


@router.get("/tracker/flags", tags=["tracker"])
def flags(
    _: Verifier,
    ctx: Ctx,
    record_id: Annotated[str | None, Query(pattern=RECORD_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Reports whose place breaks the agreement's geometry, with the entry and shape behind each."""
    with ctx.transaction() as session:
        return service.flags(session, record_id=record_id, limit=limit)
