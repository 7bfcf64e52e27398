"""Why a sync run stopped early, as exceptions under `SyncError`.

Each docstring is the message an observer sees. Which of them time can fix is told by the
tree, not by a flag: `TransportError` and its subclasses are retried (sync.retry) and make
a run "offline" or "retry later"; the others end it as "failed"; `Stopped` as "stopped".

Each also has a `cause`, a word the app turns into a sentence in its own language (the
message itself is English and may carry an exception's text): see `cause_of` and CAUSES.
"""

from .errors import SyncError


# unreachable: nothing answered at the address (refused, no route, unknown name)
# tls: the secure connection failed (certificate, or https to a plain server and back)
# timeout: connected, but no answer in time; broken: the connection broke mid-way
# wrong_url: a web server answered, but has no FieldApp API at that address (404/405)
# not_fieldapp: something answered the health probe with what FieldApp never sends
# busy: the server is failing or overloaded (5xx, 429); unreadable: a 2xx that could not be read
# receipt: the server's receipt did not verify; credential: the device's credential was refused
# not_enrolled; refused: another 4xx; protocol: a signature or format check failed
# unexpected: anything else (a bug or the device itself)
CAUSES = (
    "unreachable", "tls", "timeout", "broken", "wrong_url", "not_fieldapp", "busy", "unreadable",
    "receipt", "credential", "not_enrolled", "refused", "protocol", "unexpected",
)  # fmt: skip


class ServerAnswer:
    """What the server said when a failure came with an HTTP answer (set by the one reader,
    `sync.transport.raise_for_status`): its status and its `detail`, bounded."""

    status_code: int | None = None
    reason: str = ""
    cause: str = "protocol"


class TransportError(ServerAnswer, SyncError):
    """The server could not be reached or did not answer properly; will retry."""

    cause = "broken"

    def __init__(self, message: str = "", *, retry_after: float | None = None, cause: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        if cause is not None:
            self.cause = cause


class OfflineError(TransportError):
    """No connection to the server; will retry later."""

    cause = "unreachable"


class ServerBusyError(TransportError):
    """The server is busy or failing; will retry later."""

    cause = "busy"


class UnreadableAnswerError(TransportError):
    """The server's answer could not be read (a broken proxy, a cut answer, or not a FieldApp
    server); will retry."""

    cause = "unreadable"


class ReceiptError(TransportError):
    """The server's receipt did not verify; nothing was marked as sent."""

    cause = "receipt"


class CredentialError(ServerAnswer, SyncError):
    """The server refused this device's credential: it may have been revoked. Enrol again."""

    cause = "credential"


class NotEnrolledError(SyncError):
    """This device is not enrolled with a server yet: run `fieldapp enroll --server URL --code CODE`."""

    cause = "not_enrolled"


class ServerRefusedError(ServerAnswer, SyncError):
    """The server refused the request."""

    cause = "refused"


class BatchTooLargeError(ServerRefusedError):
    """The server refused a batch as too large."""


class Stopped(SyncError):
    """Syncing was stopped (the app locked or closed); nothing was lost, it goes on next time."""


def cause_of(error: BaseException) -> str | None:
    """The word for why a run stopped (one of CAUSES), or None when it was asked to stop."""
    if isinstance(error, Stopped):
        return None
    if isinstance(error, SyncError):
        cause = getattr(error, "cause", "protocol")
        if isinstance(error, ServerAnswer) and error.status_code in (404, 405) and not isinstance(error, TransportError):
            return "wrong_url"  # a web server, but no FieldApp API at that address
        return cause if cause in CAUSES else "protocol"
    return "unexpected"
