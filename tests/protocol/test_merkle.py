"""sync.merkle: RFC 6962 known answers, and properties over any append sequence.

The known answers are the Certificate Transparency reference vectors (the eight leaves,
roots for sizes 0–8, audit paths and consistency proofs) as published in
transparency-dev/merkle `proof/verify_test.go` (and earlier in certificate-transparency-go
and trillian); they are data here, the code is ours. Their inclusion vectors number leaves
from 1; below they are 0-based.
"""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    append_leaves,
    consistency_proof,
    frontier_subtrees,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_subtrees,
    root_of_frontier,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in (
        *("", "00", "10", "2021", "3031", "40414243"),
        *("5051525354555657", "606162636465666768696a6b6c6d6e6f"),
    )
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (0-based index, tree size, audit path)
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
REFERENCE = MemoryTree([leaf_hash(leaf) for leaf in LEAVES])


def _hex(items):
    return [item.hex() for item in items]


def test_hashing_is_domain_separated_as_rfc_6962_says():
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_reference(size):
    assert REFERENCE.root(size).hex() == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_reference_and_verify(index, size, path):
    assert _hex(inclusion_proof(index, size, REFERENCE.read)) == path
    proof = [bytes.fromhex(p) for p in path]
    root = bytes.fromhex(ROOTS[size])
    assert verify_inclusion(index, size, leaf_hash(LEAVES[index]), proof, root)
    for wrong_index in {index - 1, index + 1, index ^ 2} - {index}:
        assert not verify_inclusion(wrong_index, size, leaf_hash(LEAVES[index]), proof, root)
    assert not verify_inclusion(index, size * 2, leaf_hash(LEAVES[index]), proof, root)
    assert not verify_inclusion(index, size, leaf_hash(b"WrongLeaf"), proof, root)
    assert not verify_inclusion(index, size, leaf_hash(LEAVES[index]), [*proof, root], root)
    assert not verify_inclusion(index, size, leaf_hash(LEAVES[index]), [root, *proof], root)


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_proofs_match_the_reference_and_verify(old, new, path):
    assert _hex(consistency_proof(old, new, REFERENCE.read)) == path
    proof = [bytes.fromhex(p) for p in path]
    old_root, new_root = bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
    assert verify_consistency(old, new, old_root, new_root, proof)
    if proof:
        assert not verify_consistency(old, new, new_root, old_root, proof)  # swapped roots
        assert not verify_consistency(old, new, old_root, new_root, proof[:-1])  # truncated
        assert not verify_consistency(old, new, old_root, new_root, [])  # empty
        assert not verify_consistency(old, new, old_root, new_root, [*proof, new_root])
        assert not verify_consistency(old - 1 or 2, new, old_root, new_root, proof)


def test_edge_cases_of_consistency():
    root = bytes.fromhex(ROOTS[3])
    assert verify_consistency(0, 3, EMPTY_ROOT, root, [])  # the empty tree is a prefix of all
    assert not verify_consistency(3, 2, root, root, [])  # time travel
    assert not verify_consistency(3, 3, root, EMPTY_ROOT, [])  # same size, other root
    assert not verify_consistency(3, 3, root, root, [root])  # same size needs an empty proof


def test_range_subtrees_refuses_unaligned_ranges():
    assert range_subtrees(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert range_subtrees(8, 11) == [(1, 4), (0, 10)]
    with pytest.raises(ValueError):
        range_subtrees(2, 6)


# -- properties ---------------------------------------------------------------------------

leaf_lists = st.lists(st.binary(max_size=12), min_size=1, max_size=70, unique=True)  # distinct leaves


@settings(max_examples=60, deadline=None)
@given(leaves=leaf_lists, data=st.data())
def test_every_inclusion_proof_verifies_and_any_tampering_fails(leaves, data):
    hashes = [leaf_hash(leaf) for leaf in leaves]
    tree = MemoryTree(hashes)
    size = data.draw(st.integers(1, len(hashes)), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    root = tree.root(size)
    proof = inclusion_proof(index, size, tree.read)
    assert verify_inclusion(index, size, hashes[index], proof, root)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1), label="tampered element")
        bit = data.draw(st.integers(0, 255), label="bit")
        tampered = list(proof)
        tampered[at] = _flip(tampered[at], bit)
        assert not verify_inclusion(index, size, hashes[index], tampered, root)
        assert not verify_inclusion(index, size, hashes[index], proof[:-1], root)
    other = data.draw(st.integers(0, size - 1), label="other index")
    if hashes[other] != hashes[index]:
        assert not verify_inclusion(index, size, hashes[other], proof, root)
    if other != index:
        assert not verify_inclusion(other, size, hashes[index], proof, root)
    assert not verify_inclusion(index, size, hashes[index], proof, _flip(root, 0))


@settings(max_examples=60, deadline=None)
@given(leaves=leaf_lists, data=st.data())
def test_every_consistency_proof_verifies_and_any_tampering_fails(leaves, data):
    hashes = [leaf_hash(leaf) for leaf in leaves]
    tree = MemoryTree(hashes)
    new = data.draw(st.integers(1, len(hashes)), label="new size")
    old = data.draw(st.integers(1, new), label="old size")
    old_root, new_root = tree.root(old), tree.root(new)
    proof = consistency_proof(old, new, tree.read)
    assert verify_consistency(old, new, old_root, new_root, proof)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1), label="tampered element")
        tampered = list(proof)
        tampered[at] = _flip(tampered[at], data.draw(st.integers(0, 255), label="bit"))
        assert not verify_consistency(old, new, old_root, new_root, tampered)
        assert not verify_consistency(old, new, old_root, _flip(new_root, 7), proof)
        assert not verify_consistency(old, new, _flip(old_root, 7), new_root, proof)
    # A forked history (one leaf of the old tree changed) is never consistent with the new one.
    forked = list(hashes)
    changed = data.draw(st.integers(0, old - 1), label="rewritten leaf")
    forked[changed] = leaf_hash(b"rewritten" + leaves[changed])
    forked_root = MemoryTree(forked).root(new)
    assert not verify_consistency(old, new, old_root, forked_root, proof)
    forked_proof = consistency_proof(old, new, MemoryTree(forked).read)
    assert not verify_consistency(old, new, old_root, forked_root, forked_proof)


@settings(max_examples=60, deadline=None)
@given(batches=st.lists(st.lists(st.binary(max_size=6), max_size=40), max_size=12), keep=st.integers(0, 4))
def test_appending_in_any_batches_gives_the_tree_of_all_leaves(batches, keep):
    size, frontier, stored = 0, [], {}
    everything: list[bytes] = []
    for batch in batches:
        hashes = [leaf_hash(leaf) for leaf in batch]
        everything += hashes
        size, frontier, completed = append_leaves(size, frontier, hashes, keep_from_level=keep)
        for level, index, digest in completed:
            assert (level, index) not in stored  # each perfect subtree is completed once
            stored[(level, index)] = digest
        tree = MemoryTree(everything)
        assert size == len(everything)
        assert root_of_frontier(frontier) == tree.root()
        assert frontier == [tree.subtree(*s) for s in frontier_subtrees(size)]
    tree = MemoryTree(everything)
    for (level, index), digest in stored.items():
        assert level >= keep and tree.subtree(level, index) == digest
    expected = {(lv, i) for lv in range(keep, size.bit_length()) for i in range(size >> lv)}
    assert set(stored) == expected  # every complete subtree at or above `keep`, nothing else


def _flip(value: bytes, bit: int) -> bytes:
    changed = bytearray(value)
    changed[(bit // 8) % len(changed)] ^= 1 << (bit % 8)
    return bytes(changed)
