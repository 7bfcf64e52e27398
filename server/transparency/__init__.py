"""The server's transparency log (docs/evidence.md): an append-only RFC 6962 Merkle tree of
accepted records and verifiers' decisions, stored in the database, with signed tree heads,
inclusion and consistency proofs, and the alarms devices raise after auditing it."""

from .alarms import list_alarms, raise_alarm
from .entries import decision_leaf, log_accepted, log_decision, record_leaf
from .proofs import consistency, inclusion_for_record, signed_head

__all__ = [
    "consistency",
    "decision_leaf",
    "inclusion_for_record",
    "list_alarms",
    "log_accepted",
    "log_decision",
    "raise_alarm",
    "record_leaf",
    "signed_head",
]
