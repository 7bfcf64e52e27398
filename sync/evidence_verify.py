"""The offline verifier of evidence packages: no server, no database, only `sync` and its deps.

`verify_package(data, server_key=None)` returns one `Check` per thing checked. A package
holds only if every check is `ok` (`note` lines say what the package honestly cannot show,
e.g. a photo the server never received, and do not fail it). Keys come from the package
itself unless the caller pins the server's key; the device's key is bound to the record by
its id (`device_id_for`).
"""

import json
from dataclasses import dataclass
from typing import Any, Literal

from . import evidence_format as fmt
from .canonical import canonical_bytes, sha256_hex
from .crypto import b64decode, device_id_for, verify
from .errors import ProtocolError, SyncError
from .log_protocol import (
    DecisionLeaf,
    InclusionProof,
    RecordLeaf,
    SignedTreeHead,
    decode_leaf,
    verify_tree_head,
)
from .merkle import leaf_hash, verify_inclusion

Outcome = Literal["ok", "FAIL", "note"]


@dataclass(frozen=True)
class Check:
    outcome: Outcome
    what: str
    detail: str = ""

    def line(self) -> str:
        return f"{self.outcome:<5} {self.what}" + (f": {self.detail}" if self.detail else "")


class _Checks:
    def __init__(self) -> None:
        self.items: list[Check] = []

    def add(self, ok: bool, what: str, detail: str = "") -> bool:
        self.items.append(Check("ok" if ok else "FAIL", what, "" if ok else detail))
        return ok

    def note(self, what: str, detail: str) -> None:
        self.items.append(Check("note", what, detail))


def holds(checks: list[Check]) -> bool:
    return bool(checks) and all(c.outcome != "FAIL" for c in checks)


def verify_package(data: bytes, *, server_key: bytes | None = None) -> list[Check]:
    checks = _Checks()
    try:
        files = fmt.read_zip(data)
    except ProtocolError as exc:
        checks.add(False, "the package opens as a zip", str(exc))
        return checks.items
    difference = fmt.first_difference(data, files)
    checks.add(difference is None, "the zip is in its canonical form", difference or "")
    manifest = _manifest(files, checks)
    if manifest is None:
        return checks.items
    key = _server_key(files, manifest, server_key, checks)
    if key is not None:
        _PackageCheck(files, manifest, key, checks).run()
    return checks.items


def _manifest(files: dict[str, bytes], checks: _Checks) -> dict[str, Any] | None:
    raw = files.get(fmt.MANIFEST)
    try:
        manifest = json.loads(raw) if raw is not None else None
    except ValueError:
        manifest = None
    if not (isinstance(manifest, dict) and manifest.get("format") == fmt.FORMAT):
        checks.add(False, f"{fmt.MANIFEST} is an evidence manifest", "missing or unreadable")
        return None
    if not checks.add(manifest.get("version") == fmt.VERSION, "package format version", "unknown version"):
        return None
    entries = [f for f in manifest.get("files", []) if isinstance(f, dict)]
    listed = {f["path"]: f for f in entries if isinstance(f.get("path"), str)}
    if any(not isinstance(f.get("path"), str) for f in entries):
        checks.add(False, f"{fmt.MANIFEST} names every file it lists", "an entry has no path")
    for path in sorted(set(listed) | (set(files) - {fmt.MANIFEST, fmt.MANIFEST_SIGNATURE})):
        entry = listed.get(path)
        if entry is None:
            checks.add(False, f"sha256 {path}", "a file the manifest does not list")
        elif path not in files:
            checks.add(False, f"sha256 {path}", "listed in the manifest but missing from the package")
        else:
            digest = sha256_hex(files[path])
            checks.add(
                digest == entry.get("sha256"), f"sha256 {path}", f"is {digest}, the manifest says otherwise"
            )
    return manifest


def _server_key(
    files: dict[str, bytes], manifest: dict[str, Any], pinned: bytes | None, checks: _Checks
) -> bytes | None:
    try:
        key = fmt.public_key_from_pem(files.get(fmt.SERVER_KEY, b""))
        stated = b64decode(str(manifest.get("server_public_key")))
    except ProtocolError as exc:
        checks.add(False, "the server's public key", str(exc))
        return None
    checks.add(stated == key, "the manifest names the package's server key", "they differ")
    if pinned is None:
        checks.note(
            "server key", f"taken from the package (SHA-256 {sha256_hex(key)}); pin it with --server-key"
        )
    elif not checks.add(
        pinned == key, "the server key is the pinned one", f"the package's is {sha256_hex(key)}"
    ):
        return None
    signature = files.get(fmt.MANIFEST_SIGNATURE, b"")
    try:
        valid = verify(key, fmt.MANIFEST_LABEL + files.get(fmt.MANIFEST, b""), b64decode(signature.decode()))
    except (ProtocolError, UnicodeDecodeError):
        valid = False
    checks.add(valid, "the server's signature over the manifest", "does not verify")
    return key


class _PackageCheck:
    """The content checks, each independent: one failure never hides the others."""

    def __init__(self, files: dict[str, bytes], manifest: dict[str, Any], server_key: bytes, checks: _Checks):
        self.files, self.manifest, self.server_key, self.checks = files, manifest, server_key, checks
        self.body = files.get(fmt.RECORD_BODY, b"")
        self.body_hash = sha256_hex(self.body)
        self.record = _json_object(self.body)

    def run(self) -> None:
        device_key = self._device()
        self._record(device_key)
        receipt = self._receipt()
        head = self._tree_head()
        entries = self._entries(head)
        self._record_leaf(entries, receipt)
        self._chain(entries)
        self._photos()
        self._decisions(entries)

    def _device(self) -> bytes | None:
        try:
            key = fmt.public_key_from_pem(self.files.get(fmt.DEVICE_KEY, b""))
        except ProtocolError as exc:
            self.checks.add(False, "the device's public key", str(exc))
            return None
        enrolment = _json_object(self.files.get(fmt.DEVICE_ENROLMENT, b""))
        device_id = device_id_for(key)
        self.checks.add(
            device_id
            == self.manifest.get("device_id")
            == enrolment.get("device_id")
            == self.record.get("device_id"),
            "the device key is the device the record names (device id = SHA-256 of the key)",
            f"the key's device id is {device_id}",
        )
        self.checks.add(
            enrolment.get("public_key") is not None and _b64(enrolment.get("public_key")) == key,
            "the enrolment facts hold the same key",
            "they name another key",
        )
        return key

    def _record(self, device_key: bytes | None) -> None:
        signature = self.files.get(fmt.RECORD_SIGNATURE, b"")
        self.checks.add(
            device_key is not None and verify(device_key, self.body, signature),
            "the device's signature over the record's exact bytes",
            "does not verify",
        )
        self.checks.add(
            self.record.get("id") == self.manifest.get("record_id")
            and isinstance(self.record.get("seq"), int)
            and "prev_hash" in self.record,
            "the signed record is the package's report, with its place in the chain",
            "its id or chain fields are not the manifest's",
        )

    def _receipt(self) -> dict[str, Any]:
        wrapper = _json_object(self.files.get(fmt.SERVER_RECEIPT, b""))
        found = wrapper.get("receipt")
        receipt: dict[str, Any] = found if isinstance(found, dict) else {}
        try:
            signed = fmt.RECEIPT_LABEL + canonical_bytes(receipt)
            valid = verify(self.server_key, signed, b64decode(str(wrapper.get("signature"))))
        except (ProtocolError, SyncError):
            valid = False
        self.checks.add(valid, "the server's signature over its receipt", "does not verify")
        self.checks.add(
            receipt.get("body_hash") == self.body_hash
            and receipt.get("record_id") == self.record.get("id")
            and receipt.get("device_id") == self.record.get("device_id")
            and receipt.get("seq") == self.record.get("seq"),
            "the receipt is for these exact bytes",
            "it names another record or hash",
        )
        return receipt

    def _tree_head(self) -> SignedTreeHead | None:
        try:
            head = SignedTreeHead.model_validate_json(self.files.get(fmt.TREE_HEAD, b""))
        except ValueError:
            self.checks.add(False, "the signed tree head", "unreadable")
            return None
        self.checks.add(
            verify_tree_head(head, self.server_key),
            f"the server's signature over the tree head (size {head.tree_size})",
            "does not verify",
        )
        return head

    def _entries(self, head: SignedTreeHead | None) -> list[tuple[str, InclusionProof, Any]]:
        raw = _json_value(self.files.get(fmt.LOG_ENTRIES, b""))
        found = []
        for item in raw if isinstance(raw, list) else []:
            try:
                role = str(item.pop("role"))
                proof = InclusionProof.model_validate(item)
                leaf = decode_leaf(proof.leaf_bytes())
            except (ValueError, TypeError, KeyError, AttributeError, SyncError):
                self.checks.add(False, "a log entry", "unreadable")
                continue
            ok = head is not None and verify_inclusion(
                proof.leaf_index, head.tree_size, leaf_hash(proof.leaf_bytes()), proof.path(), head.root
            )
            self.checks.add(
                ok and proof.tree_size == (head.tree_size if head else -1),
                f"inclusion of the {role} leaf {proof.leaf_index} in the signed tree",
                "the audit path does not lead to the signed root",
            )
            found.append((role, proof, leaf))
        return found

    def _record_leaf(self, entries: list[tuple[str, InclusionProof, Any]], receipt: dict[str, Any]) -> None:
        mine = [(p, leaf) for role, p, leaf in entries if role == "record"]
        expected = RecordLeaf(
            record_id=str(self.record.get("id")),
            device_id=str(self.record.get("device_id")),
            seq=self.record.get("seq"),  # type: ignore[arg-type]
            prev_hash=self.record.get("prev_hash"),
            body_hash=self.body_hash,
            received_at=str(receipt.get("received_at")),
        )
        self.checks.add(
            len(mine) == 1 and mine[0][1] == expected and mine[0][0].leaf_index == receipt.get("leaf_index"),
            "the log's leaf commits to these bytes, this chain place and the receipt's time and index",
            "the leaf says something else",
        )

    def _chain(self, entries: list[tuple[str, InclusionProof, Any]]) -> None:
        seq, chain = self.record.get("seq"), self.manifest.get("chain") or {}
        device = self.record.get("device_id")
        previous = [leaf for role, _p, leaf in entries if role == "previous"]
        following = [leaf for role, _p, leaf in entries if role == "next"]
        if chain.get("previous") == "missing" and not previous:
            self.checks.note("chain: previous record", "the server does not hold it (a gap before this one)")
        elif seq == 1:
            self.checks.add(
                self.record.get("prev_hash") is None, "chain: the first record names no previous one"
            )
        for leaf in previous:
            self.checks.add(
                isinstance(leaf, RecordLeaf) and isinstance(seq, int) and leaf.device_id == device
                and leaf.seq == seq - 1
                and leaf.body_hash == self.record.get("prev_hash"),
                f"chain: the logged record {getattr(leaf, 'record_id', '?')} is the previous link",
                "it is not the record this one names (a fork or a break)",
            )  # fmt: skip
        for leaf in following:
            self.checks.add(
                isinstance(leaf, RecordLeaf) and isinstance(seq, int) and leaf.device_id == device
                and leaf.seq == seq + 1
                and leaf.prev_hash == self.body_hash,
                f"chain: the logged record {getattr(leaf, 'record_id', '?')} is the next link",
                "it does not name this record as its previous one (a fork or a break)",
            )  # fmt: skip

    def _photos(self) -> None:
        missing = set(self.manifest.get("photos_missing") or [])
        photos = self.record.get("attachments")
        for photo in photos if isinstance(photos, list) else []:
            sha, mime = (photo.get("sha256"), photo.get("mime")) if isinstance(photo, dict) else (None, None)
            path = fmt.photo_path(str(sha), str(mime))
            data = self.files.get(path)
            if data is None and sha in missing:
                self.checks.note(f"photo {sha}", "signed in the record, never received by the server")
                continue
            self.checks.add(
                data is not None and sha256_hex(data) == sha and len(data) == photo.get("size"),
                f"photo {path} is the one signed in the record (SHA-256 and size)",
                "missing or different",
            )

    def _decisions(self, entries: list[tuple[str, InclusionProof, Any]]) -> None:
        raw = _json_value(self.files.get(fmt.DECISIONS, b""))
        events = raw if isinstance(raw, list) else []
        logged = {
            leaf.event_id: leaf
            for role, _p, leaf in entries
            if role == "decision" and isinstance(leaf, DecisionLeaf)
        }
        for event in events:
            try:
                expected = DecisionLeaf(
                    event_id=event["id"], record_id=str(self.record.get("id")), actor=event["actor"],
                    at=event["at"], from_state=event["from_state"], to_state=event["to_state"],
                    reason_sha256=DecisionLeaf.reason_hash(event["reason"]),
                )  # fmt: skip
            except (KeyError, TypeError, AttributeError):
                self.checks.add(False, "a decision of the audit trail", "unreadable")
                continue
            self.checks.add(
                logged.get(expected.event_id) == expected,
                f"decision {expected.event_id} ({expected.to_state}, {expected.actor}) is logged as written",
                "the log holds another decision, or none",
            )
        self.checks.add(
            len(logged) == len(events), "every logged decision is in the audit trail", "they differ in number"
        )
        last = events[-1]["to_state"] if events and isinstance(events[-1], dict) else "received"
        self.checks.add(
            self.manifest.get("state") == last,
            "the report's state is its last decision's",
            f"the trail ends {last}",
        )


def _json_value(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return None


def _json_object(data: bytes) -> dict[str, Any]:
    value = _json_value(data)
    return value if isinstance(value, dict) else {}


def _b64(text: Any) -> bytes | None:
    try:
        return b64decode(str(text))
    except ProtocolError:
        return None
