"""Review routes for verifiers (and administrators): queue, detail, locks, decisions, exports."""

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import StreamingResponse

from sync.wire import DEVICE_ID_PATTERN, RECORD_ID_PATTERN, Kind, ReviewState

from .. import corroboration, exports, locks, queue_changes, review
from ..clock import as_utc
from ..context import ServerContext
from ..database import read_session
from ..errors import InvalidInput
from ..report_filters import ReportFilters, parse_bbox
from ..schemas import (
    CORROBORATION_HOURS_MAX,
    CORROBORATION_KM_MAX,
    AuditEvent,
    CorroborationResponse,
    DecisionRequest,
    LockInfo,
    QueueChanges,
    ReportDetail,
    ReportPage,
)
from .auth import Verifier
from .context import Ctx
from .errors import ERROR_RESPONSES

router = APIRouter(responses=ERROR_RESPONSES)

RecordIdPath = Annotated[
    str, Path(pattern=RECORD_ID_PATTERN, min_length=36, max_length=36, description="record id (UUID)")
]


def report_filters(
    state: ReviewState | None = None,
    kind: Kind | None = None,
    device_id: Annotated[str | None, Query(pattern=DEVICE_ID_PATTERN)] = None,
    observed_from: Annotated[datetime | None, Query(description="inclusive; no offset means UTC")] = None,
    observed_to: Annotated[datetime | None, Query(description="inclusive; no offset means UTC")] = None,
    bbox: Annotated[str | None, Query(max_length=200, description="min_lon,min_lat,max_lon,max_lat")] = None,
) -> ReportFilters:
    return ReportFilters(
        state=state,
        kind=kind,
        device_id=device_id,
        observed_from=_moment(observed_from),
        observed_to=_moment(observed_to),
        bbox=parse_bbox(bbox),
    )


Filters = Annotated[ReportFilters, Depends(report_filters)]


def _moment(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        return as_utc(value)
    except (OverflowError, ValueError) as exc:
        raise InvalidInput("timestamp out of range") from exc


@router.get("/reports", response_model=ReportPage, tags=["review"])
def report_queue(
    filters: Filters,
    _: Verifier,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReportPage:
    """The review queue, oldest received first, with counts per state."""
    with ctx.transaction() as session:
        return review.queue(session, filters, limit=limit, offset=offset)


@router.get("/reports/counts", response_model=dict[str, int], tags=["review"])
def report_counts(
    filters: Filters,
    _: Verifier,
    ctx: Ctx,
) -> dict[str, int]:
    """Reports per state under the filters (the state filter itself is ignored)."""
    with ctx.transaction() as session:
        return review.counts(session, filters)


@router.get("/reports/changes", response_model=QueueChanges, tags=["review"])
def report_changes(
    filters: Filters,
    _: Verifier,
    ctx: Ctx,
    since: Annotated[datetime | None, Query(description="`received_cursor` of the last answer")] = None,
    since_event: Annotated[
        int | None, Query(ge=0, le=2**62, description="`event_cursor` of the last answer")
    ] = None,
) -> QueueChanges:
    """What changed in the queue since a cursor (new reports under the filters, decisions,
    counts); without a cursor, the cursor now. Cheap enough to poll every few seconds: index
    ranges only, in a read-only snapshot that never waits for ingest."""
    since_utc = _moment(since)
    with read_session(ctx.engine) as session:
        return queue_changes.changes(session, filters, since=since_utc, since_event=since_event)


@router.get("/reports/{record_id}", response_model=ReportDetail, tags=["review"])
def report_detail(
    record_id: RecordIdPath,
    _: Verifier,
    ctx: Ctx,
) -> ReportDetail:
    """Everything about one report, with its signature re-verified and its chain checked now."""
    with ctx.transaction() as session:
        return review.detail(session, ctx.settings, record_id, clock=ctx.clock)


@router.post("/reports/{record_id}/lock", response_model=LockInfo, tags=["review"])
def take_lock(
    record_id: RecordIdPath,
    principal: Verifier,
    ctx: Ctx,
) -> LockInfo:
    """Take (or renew) the reviewer lock; it lapses after the server's idle timeout without a
    renewal (FIELDAPP_LOCK_IDLE_MINUTES, 10 minutes); 409 if another verifier holds it."""
    with ctx.transaction() as session:
        return locks.take(session, ctx.settings, record_id, username=principal.username, clock=ctx.clock)


@router.delete("/reports/{record_id}/lock", status_code=204, tags=["review"])
def release_lock(
    record_id: RecordIdPath,
    principal: Verifier,
    ctx: Ctx,
) -> Response:
    """Release your lock (nothing happens if you don't hold it)."""
    with ctx.transaction() as session:
        review.get_report(session, record_id)
        locks.release(session, record_id, username=principal.username)
    return Response(status_code=204)


@router.post("/reports/{record_id}/decision", response_model=ReportDetail, tags=["review"])
def decide(
    body: DecisionRequest,
    record_id: RecordIdPath,
    principal: Verifier,
    ctx: Ctx,
) -> ReportDetail:
    """verified, unverifiable, rejected or needs_info (a reason is required for the last two).

    Needs the reviewer lock: taken implicitly if free, 409 if someone else holds it;
    released afterwards. Appends to the audit trail and to the device's updates.
    """
    with ctx.transaction() as session:
        review.decide(
            session,
            ctx.settings,
            record_id,
            state=body.state,
            reason=body.reason,
            actor=principal.username,
            clock=ctx.clock,
        )
    with ctx.transaction() as session:
        return review.detail(session, ctx.settings, record_id, clock=ctx.clock)


@router.get("/reports/{record_id}/audit", response_model=list[AuditEvent], tags=["review"])
def audit(
    record_id: RecordIdPath,
    _: Verifier,
    ctx: Ctx,
) -> list[AuditEvent]:
    """Every decision on this report, oldest first (append-only)."""
    with ctx.transaction() as session:
        return review.audit_trail(session, record_id)


@router.get("/reports/{record_id}/corroboration", response_model=CorroborationResponse, tags=["review"])
def corroborating(
    record_id: RecordIdPath,
    _: Verifier,
    ctx: Ctx,
    km: Annotated[float, Query(gt=0, le=CORROBORATION_KM_MAX, allow_inf_nan=False)] = 10.0,
    hours: Annotated[float, Query(gt=0, le=CORROBORATION_HOURS_MAX, allow_inf_nan=False)] = 24.0,
    limit: Annotated[int, Query(ge=1, le=corroboration.MAX_ITEMS)] = corroboration.MAX_ITEMS,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CorroborationResponse:
    """Other devices' reports of related kinds within `km` kilometres and `hours` hours, nearest
    first; every one of them counted in `total` and reachable with `offset`."""
    with ctx.transaction() as session:
        return corroboration.candidates(session, record_id, km=km, hours=hours, limit=limit, offset=offset)


@router.get(
    "/exports/geojson",
    tags=["exports"],
    response_class=Response,
    responses={
        200: {"content": {"application/geo+json": {"schema": {"type": "object"}}}, "description": "GeoJSON"}
    },
)
def export_geojson(
    filters: Filters,
    _: Verifier,
    ctx: Ctx,
) -> Response:
    """RFC 7946 FeatureCollection of the reports matching the filters (streamed)."""
    return StreamingResponse(
        _streamed(ctx, exports.geojson_pieces, filters),
        media_type="application/geo+json",
        headers={"Content-Disposition": 'attachment; filename="fieldapp-reports.geojson"'},
    )


@router.get(
    "/exports/csv",
    tags=["exports"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"}},
)
def export_csv(
    filters: Filters,
    _: Verifier,
    ctx: Ctx,
) -> Response:
    """CSV (UTF-8 with BOM, CRLF, header row) of the reports matching the filters (streamed)."""
    return StreamingResponse(
        _streamed(ctx, exports.csv_pieces, filters),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="fieldapp-reports.csv"'},
    )


def _streamed(
    ctx: ServerContext, pieces: Callable[..., Iterator[str]], filters: ReportFilters
) -> Iterator[bytes]:
    """An export's pieces as UTF-8, read in one snapshot that never blocks ingest
    (`read_session`); Starlette pulls each piece on a worker thread."""
    with read_session(ctx.engine) as session:
        for piece in pieces(session, filters):
            yield piece.encode("utf-8")
