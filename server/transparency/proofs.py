"""The log's answers: signed tree heads, inclusion proofs by record, consistency proofs."""

from datetime import datetime

from sqlalchemy.orm import Session

from sync.crypto import b64encode
from sync.log_protocol import ConsistencyProof, InclusionProof, SignedTreeHead, sign_tree_head

from ..errors import InvalidInput, NotFound
from ..keys import ServerKeys
from . import log_store
from .tables import LogLeaf


def signed_head(
    session: Session, keys: ServerKeys, *, now: datetime, size: int | None = None
) -> SignedTreeHead:
    """The log's head signed now: the current tree, or (with `size`) an earlier one — a
    tree of that size had that root, and still does: the log only grows."""
    state = log_store.current(session)
    if size is None or size == state.size:
        return sign_tree_head(keys.sign_private, state.size, state.root, now)
    _check_size(size, state.size)
    return sign_tree_head(keys.sign_private, size, log_store.root_at(session, size), now)


def inclusion_for_record(session: Session, record_id: str, *, tree_size: int | None) -> InclusionProof:
    leaf = log_store.record_leaf(session, record_id)
    if leaf is None:
        raise NotFound("no such record in the log")
    size = log_store.current(session).size if tree_size is None else tree_size
    _check_size(size, log_store.current(session).size)
    if leaf.leaf_index >= size:
        raise InvalidInput(f"the record was logged at index {leaf.leaf_index}, after a tree of {size}")
    return inclusion_of(session, leaf, size)


def inclusion_of(session: Session, leaf: LogLeaf, size: int) -> InclusionProof:
    """A stored leaf's inclusion proof in the tree of `size` (which must contain it)."""
    return InclusionProof(
        leaf_index=leaf.leaf_index,
        tree_size=size,
        leaf=b64encode(leaf.leaf),
        audit_path=[h.hex() for h in log_store.prove_inclusion(session, leaf.leaf_index, size)],
    )


def consistency(session: Session, from_size: int, to_size: int) -> ConsistencyProof:
    if from_size > to_size:
        raise InvalidInput("`from` must not be larger than `to`")
    _check_size(to_size, log_store.current(session).size)
    return ConsistencyProof(
        from_size=from_size,
        to_size=to_size,
        proof=[h.hex() for h in log_store.prove_consistency(session, from_size, to_size)],
    )


def _check_size(size: int, current: int) -> None:
    if not 1 <= size <= current:
        raise InvalidInput(f"the log has {current} entries: ask for a tree size from 1 to {current}")
