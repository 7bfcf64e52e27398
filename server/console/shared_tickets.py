"""Download tickets every worker process can redeem: `download_tickets` in the database.

The ticket itself (32 random bytes, in the URL) is stored only as its SHA-256; the file it
names and the session token it is redeemed with are sealed with AES-256-GCM under a key
derived from the server's signing key (HKDF info `fieldapp/v1/download-ticket`, so every
process sharing the data dir's keys derives it; the ticket's hash is the associated data).
Redeeming is one `DELETE ... RETURNING`: of two processes racing, one gets it. Expired rows
are deleted whenever a ticket is issued; a ticket lives `TICKET_TTL_SECONDS`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from sync.crypto import aead_decrypt, aead_encrypt, derive_key
from sync.errors import DecryptionError

from ..models import DownloadTicket, table_of
from .downloads import TICKET_TTL_SECONDS, Ticket, TicketStore

_INFO = b"fieldapp/v1/download-ticket"
_TABLE = table_of(DownloadTicket)


class SharedTicketStore(TicketStore):
    """`TicketStore` kept in the server's database (`context`: the server's ServerContext)."""

    def __init__(self, context: Any, *, ttl: float = TICKET_TTL_SECONDS) -> None:
        super().__init__(clock=lambda: context.clock().timestamp(), ttl=ttl)
        self._context = context
        self._key = derive_key(context.keys.sign_private.private_bytes_raw(), info=_INFO)

    def _keep(self, ticket: str, found: Ticket) -> None:
        digest = _digest(ticket)
        plain = json.dumps(
            {"token": found.token, "api_path": found.api_path, "params": found.params, "fmt": found.fmt}
        ).encode()
        now = self._context.clock()
        with self._context.transaction() as session:
            session.execute(sa.delete(_TABLE).where(_TABLE.c.expires_at < now))
            session.execute(
                sa.insert(_TABLE).values(
                    ticket_hash=digest,
                    sealed=aead_encrypt(self._key, plain, digest.encode()),
                    expires_at=now + timedelta(seconds=self._ttl),
                )
            )

    def _take(self, ticket: str) -> Ticket | None:
        digest = _digest(ticket)
        with self._context.transaction() as session:
            row = session.execute(
                sa.delete(_TABLE)
                .where(_TABLE.c.ticket_hash == digest)
                .returning(_TABLE.c.sealed, _TABLE.c.expires_at)
            ).first()
        if row is None:
            return None
        try:
            found = json.loads(aead_decrypt(self._key, bytes(row.sealed), digest.encode()))
        except DecryptionError:
            return None
        expires = row.expires_at.timestamp()
        return Ticket(
            token=found["token"], api_path=found["api_path"], params=found["params"], expires=expires, fmt=found["fmt"]
        )


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()
