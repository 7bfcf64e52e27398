"""The server's exceptions: one root, a small tree under it.

Each docstring is the message a person sees when no more specific text is given. The API
turns them into `{"detail": ...}` with `status_code` in one place (server/api/errors.py);
the command line prints them as one line.
"""


class ServerError(Exception):
    """The server could not do that."""

    status_code = 400

    def __str__(self) -> str:
        return super().__str__() or (self.__doc__ or "").strip()


class BadRequest(ServerError):
    """The request is not valid."""

    status_code = 400


class InvalidInput(ServerError):
    """Some input values are not valid."""

    status_code = 422


class NotAuthenticated(ServerError):
    """Sign in first (missing, unknown or expired credential)."""

    status_code = 401


class Forbidden(ServerError):
    """Your role does not allow this."""

    status_code = 403


class NotFound(ServerError):
    """No such item."""

    status_code = 404


class Conflict(ServerError):
    """That conflicts with the current state."""

    status_code = 409


class PayloadTooLarge(ServerError):
    """The request body is too large."""

    status_code = 413


class ConfigurationError(ServerError):
    """The server's configuration is not usable."""
