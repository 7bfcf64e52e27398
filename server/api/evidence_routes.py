"""A report's evidence package for verifiers (the console's button and the admin command)."""

from fastapi import APIRouter, Response

from .. import evidence
from .attachment_routes import Store
from .auth import Verifier
from .context import Ctx
from .errors import ERROR_RESPONSES
from .review_routes import RecordIdPath

router = APIRouter(responses=ERROR_RESPONSES)


@router.get(
    "/reports/{record_id}/evidence",
    tags=["review"],
    response_class=Response,
    responses={200: {"content": {"application/zip": {"schema": {"type": "string"}}}, "description": "zip"}},
)
def evidence_package(record_id: RecordIdPath, principal: Verifier, ctx: Ctx, store: Store) -> Response:
    """The report's evidence package: a zip anyone can check offline with `fieldapp verify`."""
    with ctx.transaction() as session:
        data = evidence.build_package(
            session, record_id, keys=ctx.keys, store=store, now=ctx.clock(), actor=principal.username
        )
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="evidence-{record_id}.zip"'},
    )
