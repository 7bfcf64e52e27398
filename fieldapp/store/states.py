"""Device-side states of an observation (docs/ARCHITECTURE.md, "Device states")."""

DRAFT = "draft"
QUEUED = "queued"
SENT = "sent"
REVIEW_STATES: tuple[str, ...] = ("received", "needs_info", "verified", "unverifiable", "rejected")
STATES: tuple[str, ...] = (DRAFT, QUEUED, SENT, *REVIEW_STATES)
FINALIZED_STATES: tuple[str, ...] = STATES[1:]
