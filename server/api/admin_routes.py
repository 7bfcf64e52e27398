"""Administration: devices (list, revoke), enrolment codes, bundle upload."""

from typing import Annotated

from fastapi import APIRouter, Path

from sync.wire import DEVICE_ID_PATTERN, Bundle, SubmissionResponse

from .. import enrollment, ingest, review
from ..schemas import DevicePublic, EnrollmentCodeCreate, EnrollmentCodeCreated
from .auth import Admin, Verifier
from .context import Ctx
from .errors import ERROR_RESPONSES

router = APIRouter(responses=ERROR_RESPONSES)
DeviceIdPath = Annotated[str, Path(pattern=DEVICE_ID_PATTERN, min_length=32, max_length=32)]


@router.get("/devices", response_model=list[DevicePublic], tags=["devices"])
def devices(_: Verifier, ctx: Ctx) -> list[DevicePublic]:
    """Enrolled devices with last contact, last sequence number and gap count."""
    with ctx.transaction() as session:
        return review.list_devices(session)


@router.post("/devices/{device_id}/revoke", response_model=DevicePublic, tags=["devices"])
def revoke(
    device_id: DeviceIdPath,
    principal: Admin,
    ctx: Ctx,
) -> DevicePublic:
    """Revoke a device: its credential stops working and later submissions are rejected."""
    with ctx.transaction() as session:
        review.revoke_device(session, device_id, actor=principal.username, clock=ctx.clock)
    with ctx.transaction() as session:
        return review.device_summary(session, device_id)


@router.post("/enrollment-codes", response_model=EnrollmentCodeCreated, status_code=201, tags=["devices"])
def new_enrollment_code(body: EnrollmentCodeCreate, _: Admin, ctx: Ctx) -> EnrollmentCodeCreated:
    """A one-time enrolment code; shown only in this answer."""
    with ctx.transaction() as session:
        code, row = enrollment.create_code(
            session,
            clock=ctx.clock,
            label=body.label,
            expires_hours=body.expires_hours,
            default_ttl=ctx.settings.enrollment_code_ttl,
        )
        return EnrollmentCodeCreated(code=code, label=row.label, expires_at=row.expires_at)


@router.post("/bundles", response_model=SubmissionResponse, tags=["admin"])
def upload_bundle(bundle: Bundle, _: Admin, ctx: Ctx) -> SubmissionResponse:
    """An offline bundle file, through the same ingest as a push (envelopes of the bundle's device only)."""
    results = ingest.import_bundle(
        bundle, session_factory=ctx.session_factory, keys=ctx.keys, clock=ctx.clock, pool=ctx.pool
    )
    return SubmissionResponse(results=results, receipt_signature=ingest.receipt_signature(results, ctx.keys))
