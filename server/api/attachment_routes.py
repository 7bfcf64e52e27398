"""Photo routes: the device's resumable upload, and verifiers reading photos beside a report."""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from sync.attachment_protocol import CHUNK_BYTES_MAX, SEAL_OVERHEAD, AttachmentStatus

from .. import attachments
from ..database import read_session
from ..errors import InvalidInput, PayloadTooLarge
from ..export_zip import zip_pieces as export_zip_pieces
from ..schemas import ReportPhoto
from ..storage import AttachmentStore
from ..thumbnails import thumbnail_jpeg
from .auth import DeviceCaller, Verifier
from .context import Ctx
from .errors import ERROR_RESPONSES
from .review_routes import Filters, RecordIdPath

router = APIRouter(responses=ERROR_RESPONSES)

Sha256Path = Annotated[
    str,
    Path(pattern=attachments.SHA256_PATTERN, min_length=64, max_length=64, description="the photo's SHA-256"),
]
_CHUNK_BODY = {
    "requestBody": {
        "required": True,
        "description": "the chunk sealed to the server's key (sync.attachment_protocol.seal_chunk)",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
_IMAGE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "the photo",
    }
}


def attachment_store(ctx: Ctx) -> AttachmentStore:
    return ctx.attachments


Store = Annotated[AttachmentStore, Depends(attachment_store)]


# --- device ----------------------------------------------------------------------------------


@router.get("/attachments/{record_id}/{sha256}", response_model=AttachmentStatus, tags=["device"])
def attachment_status(
    record_id: RecordIdPath, sha256: Sha256Path, device: DeviceCaller, ctx: Ctx
) -> AttachmentStatus:
    """How many bytes of this photo the server holds: the next chunk starts there."""
    with ctx.transaction() as session:
        return attachments.upload_status(
            session, device_id=device.device_id, record_id=record_id, sha256=sha256, now=ctx.clock()
        )


@router.post(
    "/attachments/{record_id}/{sha256}",
    response_model=AttachmentStatus,
    tags=["device"],
    openapi_extra=_CHUNK_BODY,
)
async def attachment_chunk(
    request: Request,
    record_id: RecordIdPath,
    sha256: Sha256Path,
    device: DeviceCaller,
    ctx: Ctx,
    store: Store,
    offset: Annotated[int, Query(ge=0, le=2**53, description="where this chunk starts")],
) -> AttachmentStatus:
    """One sealed chunk at `offset` (400 damaged: send again; 409 other offset: ask GET;
    422 the whole photo did not match its signed hash: discarded, start again)."""
    sealed = await request.body()
    if len(sealed) > CHUNK_BYTES_MAX + SEAL_OVERHEAD:
        raise PayloadTooLarge(f"a chunk may carry at most {CHUNK_BYTES_MAX} bytes")

    def _work() -> attachments.ChunkResult:
        with ctx.transaction() as session:
            return attachments.receive_chunk(
                session,
                keys=ctx.keys,
                store=store,
                device_id=device.device_id,
                record_id=record_id,
                sha256=sha256,
                offset=offset,
                sealed=sealed,
                now=ctx.clock(),
            )

    result = await run_in_threadpool(_work)
    if result.hash_mismatch:
        raise InvalidInput(attachments.REASON_HASH)
    return result.status


# --- verifiers -------------------------------------------------------------------------------


@router.get("/reports/{record_id}/attachments", response_model=list[ReportPhoto], tags=["review"])
def report_photos(record_id: RecordIdPath, _: Verifier, ctx: Ctx) -> list[ReportPhoto]:
    """The photos the signed record lists, with how much of each has arrived."""
    with ctx.transaction() as session:
        return [ReportPhoto(**item) for item in attachments.photos_of_report(session, record_id)]


@router.get(
    "/reports/{record_id}/attachments/{sha256}",
    tags=["review"],
    response_class=Response,
    responses=_IMAGE,
)
def report_photo(
    record_id: RecordIdPath, sha256: Sha256Path, _: Verifier, ctx: Ctx, store: Store
) -> Response:
    """The photo exactly as the device signed it (its SHA-256 was checked when it arrived)."""
    with ctx.transaction() as session:
        photo = attachments.complete_photo(session, record_id, sha256)
    extension = ".png" if photo.mime == "image/png" else ".jpg"
    return StreamingResponse(
        store.iter_photo(sha256),
        media_type=photo.mime,
        headers={
            "Content-Length": str(photo.size),
            "Content-Disposition": f'inline; filename="{sha256}{extension}"',
            "X-Content-SHA256": sha256,
            "Cache-Control": "private, max-age=3600",
        },
    )


@router.get(
    "/reports/{record_id}/attachments/{sha256}/thumbnail",
    tags=["review"],
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}},
)
def report_photo_thumbnail(
    record_id: RecordIdPath,
    sha256: Sha256Path,
    _: Verifier,
    ctx: Ctx,
    store: Store,
    px: Annotated[int, Query(ge=32, le=1024, description="longer side in pixels")] = 320,
) -> Response:
    """A small JPEG of the photo, made in memory (422 if the bytes are not an image Pillow reads)."""
    with ctx.transaction() as session:
        attachments.complete_photo(session, record_id, sha256)
    small = thumbnail_jpeg(b"".join(store.iter_photo(sha256)), max_px=px)
    return Response(small, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get(
    "/exports/zip",
    tags=["exports"],
    response_class=Response,
    responses={
        200: {
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            "description": "reports.geojson, photos.csv and photos/<sha256>.jpg|png",
        }
    },
)
def export_zip(filters: Filters, _: Verifier, ctx: Ctx, store: Store) -> Response:
    """The GeoJSON of the reports matching the filters, with their photos under their SHA-256
    (streamed: each photo is sent as the archive reaches it)."""

    def pieces() -> Iterator[bytes]:
        with read_session(ctx.engine) as session:
            for piece in export_zip_pieces(session, filters, store):
                if piece:
                    yield piece

    return StreamingResponse(
        pieces(),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="fieldapp-reports.zip"'},
    )
