"""Photo errors (under the store's StoreError); each docstring is what the observer reads."""

from sync.attachment_protocol import PHOTO_SIZE_MAX, PHOTOS_PER_RECORD_MAX

from ..errors import StoreError

PHOTO_MB = PHOTO_SIZE_MAX // (1024 * 1024)


class PhotoError(StoreError):
    """The photo could not be attached."""


class NotAPhoto(PhotoError):
    """Only JPEG and PNG photos can be attached."""


class PhotoTooLarge(PhotoError):
    __doc__ = f"This photo is larger than {PHOTO_MB} MB; it was not attached (nothing else changed)."


class TooManyPhotos(PhotoError):
    __doc__ = (
        f"An observation can hold at most {PHOTOS_PER_RECORD_MAX} photos; "
        "this one was not attached (nothing else changed)."
    )


class PhotoAlreadyAttached(PhotoError):
    """This photo is already attached to this observation."""


class PhotoChanged(PhotoError):
    """The photo file changed while it was being attached; nothing was attached. Try again."""


class PhotoUnreadable(PhotoError):
    """The photo file could not be read."""


class UnknownPhoto(PhotoError):
    """No such photo on this observation."""


class DamagedPhoto(PhotoError):
    """A stored photo can't be decrypted: it was changed or moved outside the app."""
