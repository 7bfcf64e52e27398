"""The transparency log's routes: signed tree head, inclusion and consistency proofs, alarms."""

from typing import Annotated

from fastapi import APIRouter, Query

from sync.log_protocol import (
    MAX_TREE_SIZE,
    ConsistencyProof,
    InclusionProof,
    LogAlarm,
    LogAlarmReport,
    RecordLeaf,
    SignedTreeHead,
    decode_leaf,
)
from sync.wire import RECORD_ID_PATTERN

from .. import transparency
from ..errors import NotFound
from .auth import Admin, AnyCaller, AuthDevice, DeviceCaller
from .context import Ctx
from .errors import ERROR_RESPONSES

router = APIRouter(prefix="/log", responses=ERROR_RESPONSES, tags=["transparency log"])
TreeSize = Annotated[int, Query(ge=1, le=MAX_TREE_SIZE)]


@router.get("/sth", response_model=SignedTreeHead)
def tree_head(_: AnyCaller, ctx: Ctx) -> SignedTreeHead:
    """The log's current size and root, signed now by the server's signing key."""
    with ctx.transaction() as session:
        return transparency.signed_head(session, ctx.keys, now=ctx.clock())


@router.get("/proof", response_model=InclusionProof)
def inclusion(
    caller: AnyCaller,
    ctx: Ctx,
    record_id: Annotated[str, Query(pattern=RECORD_ID_PATTERN, min_length=36, max_length=36)],
    tree_size: TreeSize | None = None,
) -> InclusionProof:
    """Where a record's leaf is in the tree of `tree_size` (default: the current tree), with its
    audit path. A device may ask only about its own records."""
    with ctx.transaction() as session:
        proof = transparency.inclusion_for_record(session, record_id, tree_size=tree_size)
        if isinstance(caller, AuthDevice) and not _is_from(proof, caller.device_id):
            raise NotFound("no such record in the log")
        return proof


@router.get("/consistency", response_model=ConsistencyProof)
def consistency(
    _: AnyCaller,
    ctx: Ctx,
    from_size: Annotated[int, Query(alias="from", ge=1, le=MAX_TREE_SIZE)],
    to_size: Annotated[int, Query(alias="to", ge=1, le=MAX_TREE_SIZE)],
) -> ConsistencyProof:
    """Proof that the tree of size `to` extends the tree of size `from` (nothing rewritten)."""
    with ctx.transaction() as session:
        return transparency.consistency(session, from_size, to_size)


@router.post("/alarms", response_model=LogAlarm, status_code=201)
def raise_alarm(body: LogAlarmReport, device: DeviceCaller, ctx: Ctx) -> LogAlarm:
    """A device reports that the log failed its audit (shown to administrators)."""
    with ctx.transaction() as session:
        return transparency.raise_alarm(
            session, body, device_id=device.device_id, keys=ctx.keys, now=ctx.clock()
        )


@router.get("/alarms", response_model=list[LogAlarm])
def alarms(_: Admin, ctx: Ctx) -> list[LogAlarm]:
    """Alarms devices raised, newest first (at most 500)."""
    with ctx.transaction() as session:
        return transparency.list_alarms(session)


def _is_from(proof: InclusionProof, device_id: str) -> bool:
    leaf = decode_leaf(proof.leaf_bytes())
    return isinstance(leaf, RecordLeaf) and leaf.device_id == device_id
