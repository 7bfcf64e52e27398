"""API shapes of the review, account and admin routes (the device's wire shapes are in sync.wire).

The review vocabulary (decisions, roles) and the server's limits are defined here once;
the routes, the use cases, the CLI and the console import them from here.
"""

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sync.wire import ReviewState

# The states a verifier may decide (every review state but `received`), in the console's order.
DecisionState = Literal["verified", "unverifiable", "rejected", "needs_info"]
DECISIONS: tuple[str, ...] = get_args(DecisionState)
REASON_REQUIRED: frozenset[str] = frozenset({"rejected", "needs_info"})  # the observer is told why
Role = Literal["verifier", "admin"]
ROLES: tuple[str, ...] = get_args(Role)

USERNAME_PATTERN = r"^[A-Za-z0-9_.@-]{2,64}$"
PASSWORD_MIN = 8
PASSWORD_MAX = 1024
REASON_MAX = 4000  # a verifier's reason or question
ENROLLMENT_CODE_HOURS_MAX = 24 * 30
CORROBORATION_KM_MAX = 500.0
CORROBORATION_HOURS_MAX = 24.0 * 30

Username = Annotated[str, StringConstraints(min_length=2, max_length=64, pattern=USERNAME_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX)]
Reason = Annotated[str, StringConstraints(max_length=REASON_MAX)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    """Every error answer: a sentence, or the list of validation errors."""

    detail: str | list[dict[str, Any]]


# -- accounts ----------------------------------------------------------------------------


class LoginRequest(_In):
    """POST /auth/login (JSON or an HTML form)."""

    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Password


class LoginResponse(BaseModel):
    """A bearer token for the review routes; send as `Authorization: Bearer <token>`."""

    username: str
    role: Role
    token: str
    expires_at: datetime


class Me(BaseModel):
    username: str
    role: Role


class UserCreate(_In):
    """POST /users (admin)."""

    username: Username
    password: Annotated[str, StringConstraints(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)]
    role: Role


class UserPatch(_In):
    """PATCH /users/{username} (admin)."""

    disabled: bool


class UserPublic(BaseModel):
    username: str
    role: Role
    disabled: bool
    created_at: datetime
    failed_logins: int = Field(default=0, description="failed sign-ins counted now (reset by a success)")
    locked_until: datetime | None = Field(
        default=None, description="sign-in refused (429) until then after repeated failures; null if not"
    )


class LoginEventPublic(BaseModel):
    """One entry of the login audit (GET /login-events)."""

    id: int
    at: datetime
    username: str = Field(description="the name as typed: the account may not exist")
    address: str
    outcome: Literal["ok", "failed", "unlocked"]
    locked_until: datetime | None = Field(description="the lock this failure started, if it did")
    actor: str | None = Field(description="the administrator who unlocked")


class EnrollmentCodeCreate(_In):
    """POST /enrollment-codes (admin)."""

    label: Annotated[str, StringConstraints(max_length=100)] | None = None
    expires_hours: float | None = Field(
        default=None,
        gt=0,
        le=ENROLLMENT_CODE_HOURS_MAX,
        description="hours until the code expires (default: the server's setting, 24)",
    )


class EnrollmentCodeCreated(BaseModel):
    """The code is shown this once; the server keeps only its hash."""

    code: str
    label: str | None
    expires_at: datetime


# -- reports -----------------------------------------------------------------------------


class LockInfo(BaseModel):
    record_id: str
    username: str
    taken_at: datetime
    expires_at: datetime


class AnsweredQuestion(BaseModel):
    """The needs-info question an amendment answers: the latest one asked of the amended report
    before the amendment arrived (the console threads the answer under it)."""

    record_id: str = Field(description="the amended (original) report")
    question: str
    asked_by: str
    asked_at: datetime
    state: ReviewState = Field(description="the original's state now")


class ReportSummary(BaseModel):
    """One row of the review queue."""

    record_id: str
    device_id: str
    seq: int
    kind: str
    observed_at: datetime
    received_at: datetime
    lat: float
    lon: float
    state: ReviewState
    chain_status: str = Field(
        description="ok | gap | broken | fork (as stored at ingest; fork: this device signed another "
        "record for the same place in its chain)"
    )
    amends: str | None
    amends_invalid: bool = Field(
        default=False, description="`amends` names another device's record, or one not earlier in the chain"
    )
    place: str | None = None
    location_description: str | None = Field(
        default=None,
        description='where, from the nearest gazetteer place: "12 km NE of Sirte", "in Sirte"; '
        "null when no place is within 100 km",
    )
    description: str | None = None
    content_problem: str | None = Field(
        default=None, description="why the stored record cannot be read (then shown empty), or null"
    )
    answers: AnsweredQuestion | None = Field(
        default=None,
        description="in the queue: this report is a valid amendment of a report a verifier asked a "
        "needs-info question about, and answers it",
    )


class ReportPage(BaseModel):
    """GET /reports: oldest received first."""

    items: list[ReportSummary]
    total: int
    limit: int
    offset: int
    counts: dict[str, int] = Field(description="reports per state under the same filters (state ignored)")


class QueueChange(BaseModel):
    """A report decided since the cursor: its state now."""

    record_id: str
    state: ReviewState


class QueueChanges(BaseModel):
    """GET /reports/changes: what the queue's poll learns (server/queue_changes.py)."""

    received_cursor: datetime | None = Field(
        description="pass back as `since`: the newest report's received_at (null: no reports yet)"
    )
    event_cursor: int = Field(description="pass back as `since_event`: the newest review event seen")
    new: int = Field(description="reports matching the filters received after `since` (0 without it)")
    new_capped: bool = Field(description="`new` reached the cap (1000): show it as 1000+")
    changed: list[QueueChange] = Field(
        description="reports decided after `since_event`, oldest decision first"
    )
    more: bool = Field(description="more decisions than one answer holds: poll again, or reload the page")
    counts: dict[str, int] = Field(description="reports per state under the filters (state ignored)")


class SignatureStatus(BaseModel):
    valid: bool = Field(description="Ed25519 signature re-verified now with the enrolled key")
    body_hash_matches: bool = Field(description="the stored bytes still hash to the stored hash")


class ChainStatus(BaseModel):
    status: Literal["valid", "gap", "invalid", "fork"] = Field(
        description="valid: the previous record is here and this one names its hash; "
        "gap: records before this one have not arrived; invalid: the previous record's hash differs; "
        "fork: the device signed another record for the same place in its chain (see `fork`)"
    )
    previous_record_id: str | None
    missing_before: int = Field(description="how many sequence numbers are missing just before this record")


class ClockSkew(BaseModel):
    seconds: float | None = Field(description="received_at minus the device's recorded_at")
    flagged: bool


class OtherVersion(BaseModel):
    body_hash: str
    received_at: datetime


class ForkEvidence(BaseModel):
    """What proves the fork: every record is signed by this device's enrolled key."""

    records: list[str] = Field(
        description="other records of this device with the same sequence number or previous hash"
    )
    other_versions: list[OtherVersion] = Field(
        description="other signed versions of this very record (same id), refused at ingest and kept"
    )


class ReportDetail(ReportSummary):
    recorded_at: datetime | None
    record: dict[str, Any] = Field(description="the signed record as the device sent it")
    body_hash: str
    signature: SignatureStatus
    chain: ChainStatus
    clock_skew: ClockSkew
    fork: ForkEvidence | None = Field(description="null unless chain.status is fork")
    amended_by: list[str] = Field(description="later records of the same device that amend this one")
    amends_problem: str | None = Field(description="why `amends` is not a valid amendment, or null")
    lock: LockInfo | None
    device_label: str | None
    device_revoked: bool


class DecisionRequest(_In):
    """POST /reports/{id}/decision. A reason is required for rejected and needs_info."""

    state: DecisionState
    reason: Reason | None = None


class AuditEvent(BaseModel):
    id: int
    record_id: str
    actor: str
    at: datetime
    from_state: str
    to_state: str
    reason: str | None


class CorroborationItem(ReportSummary):
    distance_km: float
    hours_apart: float


class CorroborationResponse(BaseModel):
    """Nearest first (then hours apart, then record id); `total` within the radius and window,
    `items` the page `offset`..`offset + limit` of them."""

    km: float
    hours: float
    total: int
    limit: int
    offset: int
    items: list[CorroborationItem]


# -- devices -----------------------------------------------------------------------------


class DevicePublic(BaseModel):
    device_id: str
    label: str | None
    enrolled_at: datetime
    revoked_at: datetime | None
    last_seen_at: datetime | None
    last_seq: int
    reports: int
    gaps: int = Field(description="reports received with records missing before them")
    forks: int = Field(default=0, description="reports in a fork of this device's chain (never valid)")


class ReportPhoto(BaseModel):
    """A photo a report's signed record lists, and how much of it has arrived."""

    sha256: str
    name: str
    size: int = Field(description="bytes, as signed")
    mime: str
    received: int = Field(description="bytes the server holds")
    complete: bool = Field(description="arrived whole and matched its signed SHA-256")
    completed_at: datetime | None


class Readiness(BaseModel):
    """GET /api/v1/ready: 200 when this process can serve (database and photo store answer),
    503 with the same body naming what does not (for a load balancer's health check)."""

    status: Literal["ready", "not ready"]
    database: Literal["ok", "unavailable"]
    attachments: Literal["ok", "unavailable"]
