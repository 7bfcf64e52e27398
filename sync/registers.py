"""The mission's registers on the wire: entries, their signatures, the feed devices pull.

A register entry (a unit, a camp, a storage site, a crossing, a line or area) has a stable id
and a version that rises with every change. Each version is encoded canonically (RFC 8785)
and signed by the server's Ed25519 key over a purpose label and those bytes; the device
verifies the signature before it stores anything, so a register that did not come from its
server (or was changed on the way) is refused and the entries it has are kept.
"""

from typing import Annotated, Any, Literal, Protocol, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from pydantic import model_validator

from .canonical import canonical_bytes, parse_json
from .crypto import b64decode, sign, verify
from .errors import ProtocolError, SyncError
from .geometry import AREA_TYPES, LINE_TYPES, GeometryError, check_geometry
from .wire import Base64Text, Utf8Text

# The registers devices hold (the agreement's obligations stay on the server).
RegisterName = Literal["units", "camps", "storage_sites", "crossings", "lines_and_areas"]
REGISTERS: tuple[str, ...] = get_args(RegisterName)
POINT_REGISTERS = ("camps", "storage_sites", "crossings")
CROSSING_TYPES = ("airport", "seaport", "border_crossing")
LINE_AREA_TYPES = ("withdrawal_line", "agreed_line", "demilitarised_area", "area_of_responsibility")
SIGN_LABEL = b"fieldapp/v1/register-entry\n"
ENTRY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
EntryId = Annotated[str, StringConstraints(pattern=ENTRY_ID_PATTERN, max_length=64)]
Name = Annotated[Utf8Text, StringConstraints(max_length=200)]
Short = Annotated[Utf8Text, StringConstraints(max_length=64)]
FEED_MAX_LIMIT = 500


class RegisterSignatureError(SyncError):
    """A register update from the server is not signed by the server: nothing of it was
    stored, and the registers on this device stay as they were."""


class RegisterEntry(BaseModel):
    """One version of one register entry: what the server signs and the device stores."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    register_name: RegisterName
    id: EntryId
    version: int = Field(ge=1, le=2**31)
    retired: bool = False
    name_en: Annotated[Name, StringConstraints(min_length=1)]
    name_ar: Name = ""
    side: Short | None = None  # units, camps, sites, lines and areas: whose
    type: Short | None = None  # units: brigade...; crossings: CROSSING_TYPES; lines: LINE_AREA_TYPES
    home_camp: EntryId | None = None  # units: a camp's id
    area: EntryId | None = None  # units: their area of responsibility (a lines_and_areas id)
    beyond: Literal["left", "right"] | None = None  # withdrawal lines: the side that is "beyond"
    radius_m: float | None = Field(default=None, gt=0, le=100_000)  # camps and sites: how far counts as "at" it
    geometry: dict[str, Any] | None = None

    @field_validator("geometry")
    @classmethod
    def _geometry(cls, value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        try:
            return check_geometry(value)
        except GeometryError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _fits_register(self) -> "RegisterEntry":
        kind = self.geometry["type"] if self.geometry else None
        if self.register_name in POINT_REGISTERS and kind != "Point":
            raise ValueError(f"an entry of {self.register_name} needs a Point geometry")
        if self.register_name == "lines_and_areas":
            if kind not in LINE_TYPES + AREA_TYPES:
                raise ValueError("an entry of lines_and_areas needs a line or polygon geometry")
            if self.type not in LINE_AREA_TYPES:
                raise ValueError("type must be one of " + ", ".join(LINE_AREA_TYPES))
            if self.beyond is not None and kind not in LINE_TYPES:
                raise ValueError("beyond applies to a line only")
        if self.register_name == "units" and self.geometry is not None:
            raise ValueError("a unit has no geometry (its home camp has the point)")
        if self.register_name == "crossings" and self.type not in CROSSING_TYPES:
            raise ValueError("type must be one of " + ", ".join(CROSSING_TYPES))
        if self.register_name != "units" and (self.home_camp or self.area):
            raise ValueError("home_camp and area apply to units only")
        return self

    @property
    def point(self) -> tuple[float, float] | None:
        """(lat, lon) of a point entry."""
        if self.geometry and self.geometry["type"] == "Point":
            lon, lat = self.geometry["coordinates"][:2]
            return lat, lon
        return None

    def label(self, language: str) -> str:
        """The name in the app's language (Arabic where there is one)."""
        return self.name_ar if language == "ar" and self.name_ar else self.name_en

    def reference(self, language: str) -> dict[str, str]:
        """What a record carries for this entry: its id and the name as shown."""
        return {"id": self.id, "name": self.label(language)}


class RegisterItem(BaseModel):
    """One signed entry version in the feed."""

    model_config = ConfigDict(extra="forbid")

    cursor: int
    body: Base64Text = Field(description="canonical JSON of a RegisterEntry (base64)")
    signature: Base64Text = Field(description="Ed25519 by the server over SIGN_LABEL + body")


class RegisterFeed(BaseModel):
    """GET /api/v1/devices/me/registers?since=CURSOR: entry versions published after the cursor."""

    model_config = ConfigDict(extra="forbid")

    items: list[RegisterItem]
    cursor: int = Field(description="pass as `since` next time")
    more: bool


def entry_bytes(entry: RegisterEntry) -> bytes:
    return canonical_bytes(entry.model_dump(mode="json"))


def sign_entry(private_key: Any, entry: RegisterEntry) -> tuple[bytes, bytes]:
    """(body, signature) for one entry version, by the server's signing key."""
    body = entry_bytes(entry)
    return body, sign(private_key, SIGN_LABEL + body)


def open_item(item: RegisterItem, server_sign_key: bytes) -> RegisterEntry:
    """The entry a feed item carries, after its signature is checked; RegisterSignatureError if
    the signature fails, ProtocolError if signed bytes do not hold a valid entry."""
    try:
        body, signature = b64decode(item.body), b64decode(item.signature)
    except ProtocolError:
        raise RegisterSignatureError() from None
    if not verify(server_sign_key, SIGN_LABEL + body, signature):
        raise RegisterSignatureError()
    try:
        return RegisterEntry.model_validate(parse_json(body))
    except (ValidationError, ProtocolError) as exc:
        raise ProtocolError("a signed register entry is not valid") from exc


class StoredEntry(BaseModel):
    """An entry as the device keeps it: the signed bytes and signature (base64), re-checkable."""

    model_config = ConfigDict(extra="forbid")

    body: str
    signature: str

    @classmethod
    def of(cls, item: RegisterItem) -> "StoredEntry":
        return cls(body=item.body, signature=item.signature)

    def entry(self) -> RegisterEntry:
        return RegisterEntry.model_validate(parse_json(b64decode(self.body)))


class RegisterSink(Protocol):
    """Where the device keeps the registers (the app's encrypted store implements it)."""

    def register_cursor(self) -> int: ...

    def apply_register_items(self, items: list[tuple[RegisterEntry, RegisterItem]], cursor: int) -> None:
        """Store the verified entries (a higher version replaces a lower) and the cursor, in one
        transaction."""
        ...


__all__ = [
    "CROSSING_TYPES",
    "LINE_AREA_TYPES",
    "REGISTERS",
    "RegisterEntry",
    "RegisterFeed",
    "RegisterItem",
    "RegisterName",
    "RegisterSignatureError",
    "RegisterSink",
    "StoredEntry",
    "open_item",
    "sign_entry",
]
