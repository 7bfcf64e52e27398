"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification, as pure functions.

Leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right); the tree
of n leaves splits at the largest power of two below n. The server generates tree heads
and proofs from whatever stores its hashes; the device and the offline verifier only
verify. Nothing here knows about records or databases.

Storage model for generation: a *subtree* `(level, index)` is the perfect subtree over
leaves `[index·2^level, (index+1)·2^level)`. Every range a proof needs decomposes into a
few such subtrees (`range_subtrees`), so a store only has to answer "the hashes of these
subtrees" (`SubtreeReader`) and the proof costs O(log n) hashes, never the whole tree.
"""

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence

HASH_BYTES = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
Subtree = tuple[int, int]  # (level, index)
# Given the subtrees a computation needs, their hashes (every one asked for must be present).
SubtreeReader = Callable[[Sequence[Subtree]], dict[Subtree, bytes]]


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two strictly below `size` (size ≥ 2): where RFC 6962 splits."""
    return 1 << ((size - 1).bit_length() - 1)


# -- ranges and the subtrees they are made of ---------------------------------------------


def range_subtrees(start: int, end: int) -> list[Subtree]:
    """The perfect subtrees whose right fold is MTH(D[start:end]), left to right.

    Valid for the ranges RFC 6962's recursion produces: `start` is a multiple of the
    smallest power of two ≥ the range's size (true of [0, n) and of every part it splits into).
    """
    size = end - start
    if size <= 0:
        raise ValueError("an empty range has no subtrees")
    if start % (1 << (size - 1).bit_length()):
        raise ValueError(f"range [{start}, {end}) is not aligned as RFC 6962 ranges are")
    found: list[Subtree] = []
    position = start
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            found.append((level, position >> level))
            position += 1 << level
    return found


def fold_range(hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from its subtrees' hashes (as `range_subtrees` lists them)."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes make the audit path of leaf `index` in a tree of `size` leaves,
    from the leaf up (RFC 6962 §2.1.1, PATH)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start += k
    return path[::-1]


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes make the consistency proof from `old_size` to `new_size`
    (RFC 6962 §2.1.2, PROOF/SUBPROOF), in the order the proof lists them."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    proof: list[tuple[int, int]] = []
    start, end, complete = 0, new_size, True
    m = old_size
    while True:
        n = end - start
        if m == n:
            if not complete:
                proof.append((start, end))
            break
        k = split_point(n)
        if m <= k:
            proof.append((start + k, end))
            end = start + k
        else:
            proof.append((start, start + k))
            start += k
            m -= k
            complete = False
    return proof[::-1]


def hashes_of_ranges(ranges: Sequence[tuple[int, int]], read: SubtreeReader) -> list[bytes]:
    """MTH of each range, asking the reader once for every subtree they need."""
    parts = [range_subtrees(start, end) for start, end in ranges]
    wanted = sorted({subtree for part in parts for subtree in part})
    found = read(wanted) if wanted else {}
    return [fold_range([found[subtree] for subtree in part]) for part in parts]


def tree_root(size: int, read: SubtreeReader) -> bytes:
    return EMPTY_ROOT if size == 0 else hashes_of_ranges([(0, size)], read)[0]


def inclusion_proof(index: int, size: int, read: SubtreeReader) -> list[bytes]:
    return hashes_of_ranges(inclusion_ranges(index, size), read)


def consistency_proof(old_size: int, new_size: int, read: SubtreeReader) -> list[bytes]:
    if old_size == new_size:
        return []
    return hashes_of_ranges(consistency_ranges(old_size, new_size), read)


# -- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) -----------------------------------------


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to, or None when the proof has the wrong shape."""
    if not 0 <= index < size or len(leaf) != HASH_BYTES or any(len(p) != HASH_BYTES for p in proof):
        return None
    fn, sn, result = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return result if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """True when `proof` shows the leaf hash `leaf` at `index` in the tree of `size` with `root`."""
    found = root_from_inclusion(index, size, leaf, proof)
    return found is not None and hmac.compare_digest(found, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when `proof` shows the tree of `new_size` (`new_root`) extends the one of `old_size`."""
    if any(len(p) != HASH_BYTES for p in proof) or not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if old_size == 0:
        return not proof  # the empty tree is a prefix of every tree
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)


# -- appending: the compact range of a growing tree ----------------------------------------


def frontier_subtrees(size: int) -> list[Subtree]:
    """The perfect subtrees covering [0, size), largest first: what an appender must remember."""
    return range_subtrees(0, size) if size else []


def append_leaves(
    size: int, frontier: Sequence[bytes], leaf_hashes: Iterable[bytes], *, keep_from_level: int = 0
) -> tuple[int, list[bytes], list[tuple[int, int, bytes]]]:
    """Append leaf hashes to a tree known by its size and frontier (the hashes of
    `frontier_subtrees(size)`).

    Returns the new size, the new frontier, and every perfect subtree the append completed
    at `keep_from_level` or above, as `(level, index, hash)` — what a store keeps so that
    later proofs need no recomputation above that level.
    """
    levels = [level for level, _ in frontier_subtrees(size)]
    if len(levels) != len(frontier):
        raise ValueError("the frontier does not match the tree size")
    stack = list(zip(levels, frontier, strict=True))
    completed: list[tuple[int, int, bytes]] = []
    for leaf in leaf_hashes:
        size += 1
        stack.append((0, leaf))
        if keep_from_level == 0:
            completed.append((0, size - 1, leaf))
        while len(stack) >= 2 and stack[-1][0] == stack[-2][0]:
            (level, right), (_, left) = stack.pop(), stack.pop()
            merged = node_hash(left, right)
            stack.append((level + 1, merged))
            if level + 1 >= keep_from_level:
                completed.append((level + 1, (size >> (level + 1)) - 1, merged))
    return size, [h for _, h in stack], completed


def root_of_frontier(frontier: Sequence[bytes]) -> bytes:
    return fold_range(frontier) if frontier else EMPTY_ROOT


class MemoryTree:
    """A whole tree in memory (tests, small logs, and one block of a stored log): answers
    `SubtreeReader` calls from its leaf hashes."""

    def __init__(self, leaf_hashes: Sequence[bytes] = (), *, offset: int = 0) -> None:
        self.leaves = list(leaf_hashes)
        self.offset = offset  # the index of leaves[0] in the whole tree
        self._memo: dict[Subtree, bytes] = {}

    def subtree(self, level: int, index: int) -> bytes:
        key = (level, index)
        found = self._memo.get(key)
        if found is None:
            if level == 0:
                found = self.leaves[index - self.offset]
            else:
                found = node_hash(self.subtree(level - 1, 2 * index), self.subtree(level - 1, 2 * index + 1))
            self._memo[key] = found
        return found

    def read(self, subtrees: Sequence[Subtree]) -> dict[Subtree, bytes]:
        return {key: self.subtree(*key) for key in subtrees}

    def root(self, size: int | None = None) -> bytes:
        return tree_root(len(self.leaves) if size is None else size, self.read)
