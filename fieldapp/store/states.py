"""Device-side states of an observation (docs/ARCHITECTURE.md, "Device states").

The review states come from the protocol (`sync.wire`); the device adds its own three.
"""

from sync.wire import REVIEW_STATES as REVIEW_STATES

DRAFT = "draft"
QUEUED = "queued"
SENT = "sent"
STATES: tuple[str, ...] = (DRAFT, QUEUED, SENT, *REVIEW_STATES)
FINALIZED_STATES: tuple[str, ...] = STATES[1:]
