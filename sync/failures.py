"""Why a sync run stopped early, as exceptions under `SyncError`.

Each docstring is the message an observer sees. Which of them time can fix is told by the
tree, not by a flag: `TransportError` and its subclasses are retried (sync.retry) and make
a run "offline" or "retry later"; the others end it as "failed"; `Stopped` as "stopped".
"""

from .errors import SyncError


class ServerAnswer:
    """What the server said when a failure came with an HTTP answer (set by the one reader,
    `sync.transport.raise_for_status`): its status and its `detail`, bounded."""

    status_code: int | None = None
    reason: str = ""


class TransportError(ServerAnswer, SyncError):
    """The server could not be reached or did not answer properly; will retry."""

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OfflineError(TransportError):
    """No connection to the server; will retry later."""


class ServerBusyError(TransportError):
    """The server is busy or failing; will retry later."""


class UnreadableAnswerError(TransportError):
    """The server's answer could not be read (a broken proxy, a cut answer, or not a FieldApp
    server); will retry."""


class ReceiptError(TransportError):
    """The server's receipt did not verify; nothing was marked as sent."""


class CredentialError(ServerAnswer, SyncError):
    """The server refused this device's credential: it may have been revoked. Enrol again."""


class NotEnrolledError(SyncError):
    """This device is not enrolled with a server yet: run `fieldapp enroll --server URL --code CODE`."""


class ServerRefusedError(ServerAnswer, SyncError):
    """The server refused the request."""


class BatchTooLargeError(ServerRefusedError):
    """The server refused a batch as too large."""


class Stopped(SyncError):
    """Syncing was stopped (the app locked or closed); nothing was lost, it goes on next time."""
