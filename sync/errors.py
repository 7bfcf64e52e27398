"""The sync package's exceptions: one root, a small tree under it.

Each docstring is the message a person sees; the UI or an HTTP handler turns it
into text in exactly one place.
"""


class SyncError(Exception):
    """Synchronisation failed."""

    def __str__(self) -> str:
        return super().__str__() or (self.__doc__ or "").strip()


class DecryptionError(SyncError):
    """Could not decrypt: wrong key, or the data was changed."""


class SignatureError(SyncError):
    """The signature does not match the record."""


class ProtocolError(SyncError):
    """The message does not follow the FieldApp sync protocol."""
