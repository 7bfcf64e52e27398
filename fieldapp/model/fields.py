"""FieldSpec: what a form needs to know to render and pre-check one detail field."""

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["text", "int", "float", "bool", "choice", "counts", "ref"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a kind's `details`.

    type: "text" (string, `max_length`), "int" (whole number ≥ 0, ≤ `maximum`),
    "float" (number > 0, ≤ `maximum`), "bool", "choice" (one of `choices`),
    "counts" (an object of whole numbers ≥ 0 named by `subfields`), "ref" (an entry of the
    register `register`: `{"id": ..., "name": ...}` as picked, or free text for what the
    register lacks).
    """

    name: str
    type: FieldType
    choices: tuple[str, ...] | None = None
    required: bool = False
    max_length: int | None = None
    subfields: tuple[str, ...] | None = None
    maximum: float | None = None
    register: str | None = None
