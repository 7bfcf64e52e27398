"""The app's list tabs as sets of device states (docs/ARCHITECTURE.md, "Device states").

Defined once here; the home screen's state and its views read it from `fieldapp.services`.
"""

from fieldapp.store.states import DRAFT, QUEUED, REVIEW_STATES, SENT

RECEIVED = "received"  # on the server but not reviewed yet: shown with the sent ones
TABS: dict[str, tuple[str, ...]] = {
    "drafts": (DRAFT,),
    "pending": (QUEUED,),
    "sent": (SENT, RECEIVED),
    "reviewed": tuple(state for state in REVIEW_STATES if state != RECEIVED),
}
