"""The console's exceptions: one root, each docstring the sentence a verifier sees."""


class ConsoleError(Exception):
    """The console could not do that."""

    def __str__(self) -> str:
        return super().__str__() or (self.__doc__ or "").strip()


class ServerUnreachable(ConsoleError):
    """The verification server did not answer. Try again in a moment."""


class SessionExpired(ConsoleError):
    """Your session has ended. Sign in again."""


class ApiError(ConsoleError):
    """The server refused that request."""

    def __init__(self, status_code: int, detail: str | None = None) -> None:
        super().__init__(detail or "")
        self.status_code = status_code
        self.detail = detail


class InvalidInput(ConsoleError):
    """Some values are not valid."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class PhotoNotArrived(ConsoleError):
    """This photo has not fully arrived yet: it opens once the device has sent all of it."""


class PhotoHashMismatch(ConsoleError):
    """The photo the server sent does not match its signed SHA-256: not shown. Tell the administrator."""
