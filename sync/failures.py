"""Why a sync run stopped early, as exceptions under `SyncError`.

Each docstring is the message an observer sees. `retryable` says whether the
engine (or the background loop) may try again later on its own.
"""

from .errors import SyncError


class TransportError(SyncError):
    """The server could not be reached or did not answer properly; will retry."""

    retryable = True
    status_code: int | None = None  # the HTTP status, when there was an answer
    reason: str = ""  # the server's `detail`, bounded, when it gave one

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OfflineError(TransportError):
    """No connection to the server; will retry later."""


class ServerBusyError(TransportError):
    """The server is busy or failing; will retry later."""


class ReceiptError(TransportError):
    """The server's receipt did not verify; nothing was marked as sent."""


class CredentialError(SyncError):
    """The server refused this device's credential: it may have been revoked. Enrol again."""

    retryable = False
    status_code: int | None = None
    reason: str = ""


class NotEnrolledError(SyncError):
    """This device is not enrolled with a server yet: run `fieldapp enroll --server URL --code CODE`."""

    retryable = False


class ServerRefusedError(SyncError):
    """The server refused the request."""

    retryable = False
    status_code: int | None = None
    reason: str = ""


class BatchTooLargeError(ServerRefusedError):
    """The server refused a batch as too large."""
