"""The Merkle log in the server database: append under the head row's lock, read subtrees for proofs.

Appending happens inside the caller's transaction (the one that accepts the records or
records the decision), so a leaf exists exactly when what it commits to does. The head
row is locked first (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE`
already serialises writers), so appends from several processes take turns and leaf
indices stay dense; the leaf index is the primary key, so a bug here would fail loudly
rather than fork the tree.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.merkle import (
    HASH_BYTES,
    MemoryTree,
    Subtree,
    append_leaves,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_of_frontier,
    tree_root,
)

from ..models import table_of
from .tables import NODE_STORE_LEVEL, LogHead, LogLeaf, LogNode

HEAD_ID = 1
BLOCK = 1 << NODE_STORE_LEVEL


@dataclass(frozen=True)
class NewLeaf:
    """What to append: the leaf's bytes and what it is about."""

    leaf_type: str
    record_id: str
    leaf: bytes
    event_id: int | None = None


@dataclass(frozen=True)
class TreeState:
    size: int
    root: bytes


def append(session: Session, leaves: Sequence[NewLeaf], *, now: datetime) -> tuple[int, int]:
    """Append in order; returns (index of the first new leaf, tree size afterwards)."""
    head = _head(session, lock=True)
    first = head.tree_size
    if not leaves:
        return first, first
    hashes = [leaf_hash(item.leaf) for item in leaves]
    size, frontier, nodes = append_leaves(
        head.tree_size, _split(head.frontier), hashes, keep_from_level=NODE_STORE_LEVEL
    )
    session.execute(
        sa.insert(table_of(LogLeaf)),
        [
            {
                "leaf_index": first + offset,
                "leaf_type": item.leaf_type,
                "record_id": item.record_id,
                "event_id": item.event_id,
                "leaf_hash": digest,
                "leaf": item.leaf,
            }
            for offset, (item, digest) in enumerate(zip(leaves, hashes, strict=True))
        ],
    )
    if nodes:
        session.execute(
            sa.insert(table_of(LogNode)),
            [{"level": level, "node_index": index, "hash": digest} for level, index, digest in nodes],
        )
    session.execute(
        sa.update(LogHead)
        .where(col(LogHead.id) == HEAD_ID)
        .values(tree_size=size, frontier=b"".join(frontier), updated_at=now)
    )
    return first, size


def current(session: Session) -> TreeState:
    """Size and root of the log as committed now (the root straight from the stored frontier)."""
    head = _head(session, lock=False)
    return TreeState(size=head.tree_size, root=root_of_frontier(_split(head.frontier)))


def root_at(session: Session, size: int) -> bytes:
    return tree_root(size, SubtreeReader(session))


def prove_inclusion(session: Session, index: int, size: int) -> list[bytes]:
    return inclusion_proof(index, size, SubtreeReader(session))


def prove_consistency(session: Session, old_size: int, new_size: int) -> list[bytes]:
    return consistency_proof(old_size, new_size, SubtreeReader(session))


def record_leaf(session: Session, record_id: str) -> LogLeaf | None:
    return session.scalar(
        sa.select(LogLeaf).where(col(LogLeaf.record_id) == record_id, col(LogLeaf.leaf_type) == "record")
    )


def record_positions(session: Session, record_ids: Sequence[str]) -> dict[str, int]:
    """Leaf index of each record that has one."""
    if not record_ids:
        return {}
    rows = session.execute(
        sa.select(col(LogLeaf.record_id), col(LogLeaf.leaf_index)).where(
            col(LogLeaf.leaf_type) == "record", col(LogLeaf.record_id).in_(sorted(set(record_ids)))
        )
    )
    return {row.record_id: row.leaf_index for row in rows}


class SubtreeReader:
    """`sync.merkle.SubtreeReader` over the tables: stored nodes for the upper levels, one
    block of leaf hashes (≤ 256, one range read) for each part below them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __call__(self, subtrees: Sequence[Subtree]) -> dict[Subtree, bytes]:
        found: dict[Subtree, bytes] = {}
        upper = [s for s in subtrees if s[0] >= NODE_STORE_LEVEL]
        if upper:
            # One `level = ? AND node_index IN (…)` per level: SQLite answers a row-value IN
            # list by scanning the whole table (O(n) per proof), this by its primary key.
            by_level: dict[int, list[int]] = {}
            for level, index in upper:
                by_level.setdefault(level, []).append(index)
            wanted = [
                sa.and_(col(LogNode.level) == level, col(LogNode.node_index).in_(indices))
                for level, indices in sorted(by_level.items())
            ]
            rows = self.session.execute(
                sa.select(col(LogNode.level), col(LogNode.node_index), col(LogNode.hash)).where(
                    sa.or_(*wanted)
                )
            )
            found.update({(row.level, row.node_index): row.hash for row in rows})
        lower = [s for s in subtrees if s[0] < NODE_STORE_LEVEL]
        blocks = sorted({(index << level) // BLOCK for level, index in lower})
        trees = {block: self._block(block) for block in blocks}
        for level, index in lower:
            found[(level, index)] = trees[(index << level) // BLOCK].subtree(level, index)
        missing = [s for s in subtrees if s not in found]
        if missing:
            raise LookupError(f"the log has no stored hash for subtrees {missing[:3]}")
        return found

    def _block(self, block: int) -> MemoryTree:
        start = block * BLOCK
        hashes = self.session.scalars(
            sa.select(col(LogLeaf.leaf_hash))
            .where(col(LogLeaf.leaf_index) >= start, col(LogLeaf.leaf_index) < start + BLOCK)
            .order_by(col(LogLeaf.leaf_index))
        ).all()
        return MemoryTree(hashes, offset=start)


def _head(session: Session, *, lock: bool) -> sa.Row:
    query = sa.select(col(LogHead.tree_size), col(LogHead.frontier)).where(col(LogHead.id) == HEAD_ID)
    if lock:
        query = query.with_for_update()
    head = session.execute(query).first()
    if head is None:
        raise LookupError("the log's head row is missing: run the migrations")
    return head


def _split(frontier: bytes) -> list[bytes]:
    return [frontier[i : i + HASH_BYTES] for i in range(0, len(frontier), HASH_BYTES)]
