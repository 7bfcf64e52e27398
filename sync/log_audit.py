"""The device's audit of the server's transparency log, run at the end of each sync.

1. Fetch the latest signed tree head and check its signature with the server's sign key
   (learned at enrolment).
2. Check it against what this device holds: the head kept from the last audit (same size:
   same root; bigger: a consistency proof; smaller: never) and the sizes receipts promised.
3. Check inclusion of some delivered records: those this run's receipts placed, and a
   rotating window over every delivered record (by record id), so all are checked over time.
   Each leaf must name this record, this device and the SHA-256 of the exact signed bytes.

Any failure is an alarm: kept (encrypted, in the device's settings) until re-enrolment with
another server, shown with every later sync, and posted to the server's administrators
until it is delivered. A network problem during the audit is not an alarm: the audit is
`incomplete` and runs again next time. A head that failed is never kept, so the next audit
checks again from the last good one.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Literal, Protocol

from .errors import ProtocolError, SyncError
from .failures import ServerRefusedError, TransportError
from .log_protocol import (
    LogAlarmReport,
    RecordLeaf,
    SignedTreeHead,
    decode_leaf,
    format_time,
    verify_tree_head,
)
from .merkle import leaf_hash, verify_consistency, verify_inclusion
from .wire import ItemResult

SAMPLE = 16  # records proven per audit from the rotating window (plus this run's receipts)
MAX_ALARMS = 20
AuditStatus = Literal["ok", "failed", "incomplete"]


@dataclass(frozen=True)
class DeliveredRecord:
    """A record the server acknowledged, as the audit needs it."""

    record_id: str
    body_hash: str  # SHA-256 hex of the exact signed bytes


class AuditStore(Protocol):
    """What the audit needs from the device's store (the app's outbox implements it)."""

    def delivered_records(self, *, after: str | None, limit: int) -> list[DeliveredRecord]:
        """Delivered records in record-id order, after the given id."""
        ...

    def delivered_hashes(self, record_ids: Sequence[str]) -> dict[str, str]:
        """Body hashes of those of these records that are delivered."""
        ...

    def log_audit_state(self) -> dict[str, Any]:
        """What the last audit kept ({} at first); stored encrypted."""
        ...

    def save_log_audit_state(self, state: dict[str, Any]) -> None: ...


class LogClient(Protocol):
    """The server calls the audit makes (sync.transport.SyncClient has them)."""

    def tree_head(self) -> SignedTreeHead: ...

    def inclusion_proof(self, record_id: str, tree_size: int) -> Any: ...

    def consistency_proof(self, from_size: int, to_size: int) -> Any: ...

    def report_alarm(self, report: LogAlarmReport) -> None: ...


@dataclass
class LogAuditResult:
    """One audit: its outcome, the size checked, how many records were proven, and why not."""

    status: AuditStatus
    tree_size: int | None = None
    records_checked: int = 0
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "tree_size": self.tree_size,
            "records_checked": self.records_checked,
            "problem": self.problem,
        }


class LogMismatch(Exception):
    """The log is not what the server signed or promised (the text says how)."""

    def __init__(self, reason: str, *, seen: SignedTreeHead | None = None, record_id: str | None = None):
        super().__init__(reason)
        self.reason, self.seen, self.record_id = reason, seen, record_id


class LogAuditor:
    """Audits one server's log for one device; `note_receipts` is fed the run's receipts."""

    def __init__(
        self,
        store: AuditStore,
        client: LogClient,
        *,
        server_sign_key: bytes,
        sample: int = SAMPLE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.client = client
        self.server_sign_key = server_sign_key
        self.sample = sample
        self.clock = clock
        self._placed: dict[str, tuple[int, int]] = {}  # record id -> (leaf index, tree size)

    def note_receipts(self, results: Sequence[ItemResult]) -> None:
        for result in results:
            if result.status != "rejected" and result.leaf_index is not None and result.tree_size is not None:
                self._placed[result.record_id] = (result.leaf_index, result.tree_size)

    def standing_alarm(self) -> str | None:
        """The first alarm this device holds, as one sentence for the observer (None if none)."""
        alarms = self.store.log_audit_state().get("alarms") or []
        return alarms[0]["reason"] if alarms else None

    def audit(self) -> LogAuditResult:
        state = dict(self.store.log_audit_state())
        kept = SignedTreeHead.model_validate(state["tree_head"]) if state.get("tree_head") else None
        result = LogAuditResult(status="incomplete")
        try:
            head = self.client.tree_head()
            result.tree_size = head.tree_size
            self._check_head(head, kept, int(state.get("promised_size") or 0))
            state["promised_size"] = max(int(state.get("promised_size") or 0), *self._sizes())
            result.records_checked = self._check_records(head, state)
            state["tree_head"] = head.model_dump()
            result.status = "ok"
        except LogMismatch as mismatch:
            result.status, result.problem = "failed", mismatch.reason
            self._raise_alarm(state, mismatch, kept)
        except (TransportError, ProtocolError) as exc:  # try again next sync; nothing proven either way
            result.problem = " ".join(str(exc).split()) or type(exc).__name__
        self._placed.clear()
        self._report_alarms(state)
        self.store.save_log_audit_state(state)
        return result

    # -- the checks ------------------------------------------------------------------------

    def _sizes(self) -> list[int]:
        return [size for _index, size in self._placed.values()] or [0]

    def _check_head(self, head: SignedTreeHead, kept: SignedTreeHead | None, promised: int) -> None:
        if not verify_tree_head(head, self.server_sign_key):
            raise LogMismatch("the log's tree head is not signed by this server's key", seen=head)
        promised = max(promised, *self._sizes())
        if head.tree_size < promised:
            raise LogMismatch(
                f"the log has {head.tree_size} entries, but a signed receipt placed a record in a "
                f"tree of {promised}: entries were removed",
                seen=head,
            )
        if kept is None:
            return
        if head.tree_size < kept.tree_size:
            raise LogMismatch(
                f"the log shrank from {kept.tree_size} to {head.tree_size} entries since the last check",
                seen=head,
            )
        if kept.tree_size == 0:
            return  # the empty tree is a prefix of every tree: nothing to prove (and sizes start at 1)
        if head.tree_size == kept.tree_size:
            if head.root_hash != kept.root_hash:
                raise LogMismatch(
                    f"the log's tree of {head.tree_size} entries changed: history was rewritten", seen=head
                )
            return
        try:
            proof = self.client.consistency_proof(kept.tree_size, head.tree_size)
        except ServerRefusedError as exc:
            raise LogMismatch(
                f"the server refused to prove its log is consistent ({exc})", seen=head
            ) from exc
        if (proof.from_size, proof.to_size) != (kept.tree_size, head.tree_size) or not verify_consistency(
            kept.tree_size, head.tree_size, kept.root, head.root, proof.path()
        ):
            raise LogMismatch(
                f"the log of {head.tree_size} entries does not extend the one of {kept.tree_size} "
                "this device checked before: history was rewritten",
                seen=head,
            )

    def _check_records(self, head: SignedTreeHead, state: dict[str, Any]) -> int:
        window, cursor = self._window(state.get("cursor"))
        hashes = {record.record_id: record.body_hash for record in window}
        placed = dict(islice(self._placed.items(), self.sample))
        hashes.update(self.store.delivered_hashes([rid for rid in placed if rid not in hashes]))
        for record_id, body_hash in hashes.items():
            self._check_record(head, record_id, body_hash, placed.get(record_id))
        state["cursor"] = cursor
        return len(hashes)

    def _window(self, cursor: str | None) -> tuple[list[DeliveredRecord], str | None]:
        """The next `sample` delivered records after the cursor, wrapping round to the start."""
        records = self.store.delivered_records(after=cursor, limit=self.sample)
        if len(records) < self.sample and cursor is not None:
            seen = {r.record_id for r in records}
            more = self.store.delivered_records(after=None, limit=self.sample - len(records))
            records += [r for r in more if r.record_id not in seen]
        return records, (records[-1].record_id if records else None)

    def _check_record(
        self, head: SignedTreeHead, record_id: str, body_hash: str, placed: tuple[int, int] | None
    ) -> None:
        try:
            proof = self.client.inclusion_proof(record_id, head.tree_size)
        except ServerRefusedError as exc:
            raise LogMismatch(
                f"the server acknowledged record {record_id} but cannot show it in its log ({exc})",
                seen=head,
                record_id=record_id,
            ) from exc
        try:
            leaf = decode_leaf(proof.leaf_bytes())
        except (ProtocolError, SyncError):
            leaf = None
        fits = (
            isinstance(leaf, RecordLeaf)
            and leaf.record_id == record_id
            and leaf.body_hash == body_hash
            and proof.tree_size == head.tree_size
            and (placed is None or proof.leaf_index == placed[0])
            and verify_inclusion(
                proof.leaf_index, head.tree_size, leaf_hash(proof.leaf_bytes()), proof.path(), head.root
            )
        )
        if not fits:
            raise LogMismatch(
                f"record {record_id} is not in the signed log as this device sent it",
                seen=head,
                record_id=record_id,
            )

    # -- alarms ----------------------------------------------------------------------------

    def _raise_alarm(self, state: dict[str, Any], mismatch: LogMismatch, kept: SignedTreeHead | None) -> None:
        alarms = list(state.get("alarms") or [])
        if any(a["reason"] == mismatch.reason for a in alarms) or len(alarms) >= MAX_ALARMS:
            return
        alarms.append(
            {
                "reason": mismatch.reason,
                "detected_at": format_time(self.clock()),
                "kept_head": kept.model_dump() if kept else None,
                "seen_head": mismatch.seen.model_dump() if mismatch.seen else None,
                "record_id": mismatch.record_id,
                "reported": False,
            }
        )
        state["alarms"] = alarms

    def _report_alarms(self, state: dict[str, Any]) -> None:
        """Post every alarm not yet delivered; one that cannot be sent waits for the next sync."""
        for alarm in state.get("alarms") or []:
            if alarm["reported"]:
                continue
            report = LogAlarmReport.model_validate({k: v for k, v in alarm.items() if k != "reported"})
            try:
                self.client.report_alarm(report)
            except SyncError:
                return
            alarm["reported"] = True
