"""Device-side states of an observation (docs/ARCHITECTURE.md, "Device states").

The review states come from the protocol (`sync.wire`); the device adds its own three.
"""

from sync.wire import REVIEW_STATES as REVIEW_STATES

DRAFT = "draft"
QUEUED = "queued"
SENT = "sent"
STATES: tuple[str, ...] = (DRAFT, QUEUED, SENT, *REVIEW_STATES)
FINALIZED_STATES: tuple[str, ...] = STATES[1:]
NEEDS_INFO = "needs_info"  # the review state that carries a verifier's question


# Steps of a record's history that are not states of it: a later record of this device
# answered (while the record needed information) or amended it. Written when that one is finalized.
ANSWERED = "answered"
AMENDED = "amended"
