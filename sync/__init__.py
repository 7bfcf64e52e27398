"""The FieldApp sync protocol (shared by device and server) and the device's sync engine.

Never imports `fieldapp` or `server`.
"""

from .canonical import canonical_bytes, sha256_hex
from .errors import DecryptionError, ProtocolError, SignatureError, SyncError
from .records import (
    PROTOCOL_VERSION,
    SignedRecord,
    check_header_matches,
    envelope_header,
    open_envelope,
    seal_record,
    sign_record,
    verify_record,
)

__all__ = [
    "PROTOCOL_VERSION",
    "DecryptionError",
    "ProtocolError",
    "SignatureError",
    "SignedRecord",
    "SyncError",
    "canonical_bytes",
    "check_header_matches",
    "envelope_header",
    "open_envelope",
    "seal_record",
    "sha256_hex",
    "sign_record",
    "verify_record",
]
