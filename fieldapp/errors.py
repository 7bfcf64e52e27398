"""The observer app's exceptions: one root, a small tree under it.

Each class docstring is the message a person sees when no more specific text is
given; the command line and the UI turn these into text in exactly one place each.
"""


class FieldAppError(Exception):
    """Something went wrong."""

    def __str__(self) -> str:
        return super().__str__() or (self.__doc__ or "").strip()
