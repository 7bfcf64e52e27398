"""Photos attached to an observation, named by the SHA-256 taken at capture (signed with the record)."""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictInt, StrictStr

from .enums import ATTACHMENT_MIME_TYPES
from .limits import ATTACHMENT_SIZE_MAX, NAME_MAX
from .types import at_least, at_most_chars, choice, invalid

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def _check_sha256(value: str) -> str:
    if not _SHA256_HEX.match(value):
        raise invalid("must be 64 lower-case hex digits (a SHA-256)")
    return value


def _check_file_name(value: str) -> str:
    # A name from a phone's gallery, shown and used when saving a copy: no paths, no control characters.
    if not value.strip():
        raise invalid("must not be empty")
    if any(ch in value for ch in "/\\") or any(ord(ch) < 32 for ch in value):
        raise invalid("must be a plain file name")
    return value


class Attachment(BaseModel):
    """One photo: its hash, file name, size in bytes and type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sha256: Annotated[StrictStr, AfterValidator(_check_sha256)]
    name: Annotated[StrictStr, AfterValidator(at_most_chars(NAME_MAX)), AfterValidator(_check_file_name)]
    size: Annotated[StrictInt, AfterValidator(at_least(0, ATTACHMENT_SIZE_MAX))]
    mime: choice(ATTACHMENT_MIME_TYPES)  # type: ignore[valid-type]

    def to_record(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "name": self.name, "size": self.size, "mime": self.mime}
