"""Checking a device's chain of signed records: signatures, sequence, links.

Pure and shared: the device's tests and the server use the same check. A record's
`prev_hash` is the SHA-256 of the previous record's exact body bytes, and sequence
numbers rise by one, so an edited, dropped, inserted or reordered record breaks the chain.
"""

from collections.abc import Sequence

from .errors import ProtocolError, SignatureError
from .records import SignedRecord, verify_record


class ChainError(ProtocolError):
    """The device's chain of records is broken: a record was changed, removed or reordered."""

    def __init__(self, index: int, reason: str) -> None:
        self.index = index
        self.reason = reason
        super().__init__(f"record {index} of the chain: {reason}")


def verify_chain(
    records: Sequence[SignedRecord],
    public_key: bytes,
    *,
    previous: SignedRecord | None = None,
) -> list[dict]:
    """Verify consecutive records of one device; returns their parsed contents.

    `previous` is the record just before `records[0]` when checking a later stretch of the
    chain; without it, `records[0]` must either be seq 1 or is taken as the stretch's start.
    Raises ChainError naming the first record that does not fit.
    """
    contents: list[dict] = []
    prior_hash = previous.hash if previous is not None else None
    prior_seq = verify_record(previous, public_key)["seq"] if previous is not None else None
    device_id = None
    for index, signed in enumerate(records):
        try:
            content = verify_record(signed, public_key)
        except (ProtocolError, SignatureError) as exc:
            raise ChainError(index, str(exc)) from exc
        seq, prev_hash = content["seq"], content["prev_hash"]
        if device_id is not None and content["device_id"] != device_id:
            raise ChainError(index, "another device's record")
        device_id = content["device_id"]
        if prior_seq is None:
            if seq == 1 and prev_hash is not None:
                raise ChainError(index, "the first record names a previous one")
        else:
            if seq != prior_seq + 1:
                raise ChainError(index, f"sequence {seq} follows {prior_seq}")
            if prev_hash != prior_hash:
                raise ChainError(index, "previous hash does not match the record before it")
        prior_seq, prior_hash = seq, signed.hash
        contents.append(content)
    return contents
