"""The agreement's obligations: a small register kept on the server only (devices don't need it).

Each names what must happen by when; the tracker (tracker.py) computes its status from
verified reports.
"""

from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from sync.registers import EntryId, Name
from sync.wire import Utf8Text

ObligationType = Literal["unit_to_camp", "fighters_depart", "weapons_in_storage"]
OBLIGATION_TYPES: tuple[str, ...] = get_args(ObligationType)


class Obligation(BaseModel):
    """One obligation of the agreement, e.g. "unit U returns to camp C by D"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    register_name: Literal["obligations"] = "obligations"
    id: EntryId
    version: int = Field(ge=1, le=2**31)
    retired: bool = False
    name_en: Annotated[Name, StringConstraints(min_length=1)]
    name_ar: Name = ""
    type: ObligationType
    deadline: date
    unit: EntryId | None = None  # unit_to_camp
    camp: EntryId | None = None  # unit_to_camp: None = the unit's home camp
    crossing: EntryId | None = None  # fighters_depart: None = through any crossing
    storage_site: EntryId | None = None  # weapons_in_storage
    weapon_type: Annotated[Utf8Text, StringConstraints(max_length=64)] | None = None  # weapons_in_storage
    expected: int | None = Field(default=None, ge=1, le=1_000_000)  # fighters_depart: how many must leave

    @model_validator(mode="after")
    def _needs(self) -> "Obligation":
        if self.type == "unit_to_camp" and not self.unit:
            raise ValueError("unit_to_camp needs a unit")
        if self.type == "weapons_in_storage" and not self.storage_site:
            raise ValueError("weapons_in_storage needs a storage_site")
        return self
