"""Routes devices call: health, enrolment, submissions, updates."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from sync.wire import (
    EnrollChallenge,
    EnrollRequest,
    EnrollResponse,
    Health,
    SubmissionBatch,
    SubmissionResponse,
    UpdatesResponse,
)

from .. import enrollment, ingest, updates
from .auth import DeviceCaller
from .context import Ctx
from .errors import ERROR_RESPONSES

router = APIRouter(responses=ERROR_RESPONSES)
SERVER_VERSION = "0.1.0"


@router.get("/health", response_model=Health, tags=["device"])
def health() -> Health:
    """Cheap probe the device calls before syncing."""
    return Health(status="ok", version=SERVER_VERSION)


@router.get("/enroll/challenge", response_model=EnrollChallenge, tags=["device"])
def enroll_challenge(ctx: Ctx) -> EnrollChallenge:
    """What a device signs its enrolment request over: this server's signing key and a fresh nonce."""
    return enrollment.new_challenge(ctx.keys, clock=ctx.clock)


@router.post("/enroll", response_model=EnrollResponse, tags=["device"])
def enroll(body: EnrollRequest, ctx: Ctx) -> EnrollResponse:
    """Register the device's public key with a one-time code and a signature proving the device
    holds the private key (see `EnrollRequest`); the credential is shown once."""
    with ctx.transaction() as session:
        device, credential = enrollment.enroll_device(session, clock=ctx.clock, keys=ctx.keys, request=body)
    return EnrollResponse(
        device_id=device.id,
        credential=credential,
        server_seal_key=ctx.keys.seal_public_b64,
        server_sign_key=ctx.keys.sign_public_b64,
    )


@router.post("/submissions", response_model=SubmissionResponse, tags=["device"])
def submit(
    batch: SubmissionBatch,
    device: DeviceCaller,
    ctx: Ctx,
) -> Response:
    """One result per envelope, in order; the receipt is signed by the server."""
    results = ingest.ingest_envelopes(
        batch.envelopes,
        session_factory=ctx.session_factory,
        keys=ctx.keys,
        clock=ctx.clock,
        only_device=device.device_id,
        pool=ctx.pool,
    )
    # Returned as a ready response: the results are already validated models, and skipping
    # FastAPI's second validation of up to 1,000 items is measurable at large batches.
    answer = SubmissionResponse(
        results=results, receipt_signature=ingest.receipt_signature(results, ctx.keys)
    )
    return Response(answer.model_dump_json().encode(), media_type="application/json")


@router.get("/devices/me/updates", response_model=UpdatesResponse, tags=["device"])
def my_updates(
    device: DeviceCaller,
    ctx: Ctx,
    since: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=updates.MAX_LIMIT)] = 200,
) -> Response:
    """Review states and verifiers' messages for this device's records after `since`."""
    with ctx.transaction() as session:
        answer = updates.updates_for_device(session, device.device_id, since=since, limit=limit)
    # A ready response, as for submissions: the page is already a validated model.
    return Response(answer.model_dump_json().encode(), media_type="application/json")
