"""What a sync run reports: a result per record, counts, and progress events."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .log_audit import LogAuditResult

from .errors import SyncError
from .failures import OfflineError, Stopped, TransportError

Outcome = Literal["sent", "duplicate", "rejected", "deferred"]
# done: everything that could be sent was answered and updates were pulled.
# offline / retry_later: a network or server problem; try again later (CLI exit 3).
# stopped: the caller asked to stop (lock, exit); try again later.
# failed: something time will not fix (credential revoked, not enrolled, refused) (CLI exit 1).
Status = Literal["done", "offline", "retry_later", "stopped", "failed"]


def status_of(error: SyncError) -> tuple[Status, str | None]:
    """How a run (sync or photo upload) that ended on `error` reads: its status and sentence."""
    if isinstance(error, Stopped):
        return "stopped", None
    if isinstance(error, OfflineError):
        return "offline", str(error)
    if isinstance(error, TransportError):
        return "retry_later", str(error)
    return "failed", str(error)  # credentials, refusals, protocol: waiting will not help


@dataclass(frozen=True)
class RecordOutcome:
    """What happened to one queued record in this run."""

    record_id: str
    outcome: Outcome
    reason: str | None = None


@dataclass(frozen=True)
class SyncProgress:
    """A progress event: records `done` of `total` in `phase`, and bytes sent so far."""

    phase: Literal["probe", "push", "pull"]
    done: int
    total: int
    bytes_sent: int


@dataclass
class SyncReport:
    """The result of one push + pull."""

    status: Status = "done"
    outcomes: list[RecordOutcome] = field(default_factory=list)
    still_queued: int = 0
    updates_pulled: int = 0
    registers_pulled: int = 0  # register entry versions verified and stored
    bytes_sent: int = 0
    error: str | None = None
    cause: str | None = None  # why it stopped early, one of sync.failures.CAUSES (the app words it)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # Photo uploads that followed the push (sync.attachments.PhotoUploadReport.to_dict()),
    # or None when the run did not get that far.
    photos: dict[str, Any] | None = None
    # The run "failed" because the device has no server yet (sync.failures.NotEnrolledError):
    # the app shows "not enrolled" instead of an error.
    not_enrolled: bool = False
    # The audit of the server's transparency log (sync.log_audit), when the run got that far,
    # and the alarm this device holds (the first failure it found; shown until re-enrolment).
    log_audit: "LogAuditResult | None" = None
    log_alarm: str | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def sent(self) -> int:
        return self.count("sent")

    @property
    def duplicate(self) -> int:
        return self.count("duplicate")

    @property
    def rejected(self) -> int:
        return self.count("rejected")

    @property
    def deferred(self) -> int:
        return self.count("deferred")

    @property
    def delivered(self) -> int:
        """Records the server now holds because of this run (accepted or duplicate)."""
        return self.sent + self.duplicate

    def to_dict(self) -> dict[str, Any]:
        """The `fieldapp sync --json` shape."""
        return {
            "status": self.status,
            "sent": self.sent,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "deferred": self.deferred,
            "still_queued": self.still_queued,
            "updates_pulled": self.updates_pulled,
            "bytes_sent": self.bytes_sent,
            "error": self.error,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "rejections": [
                {"record_id": o.record_id, "reason": o.reason}
                for o in self.outcomes
                if o.outcome == "rejected"
            ],
            "photos": self.photos,
            "log_audit": self.log_audit.to_dict() if self.log_audit else None,
            "log_alarm": self.log_alarm,
        }
