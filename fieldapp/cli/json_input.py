"""What `record` and `amend` read: one JSON object, a JSON array, or JSON lines, with where
each item starts, so an error names the line (and column) of the file it is on.

A document that does not parse as a whole is JSON lines only when its first line is a whole
JSON object by itself; otherwise (a pretty-printed object or array) the error is the
document's, at its own line and column, not the first line's.
"""

import json
from dataclasses import dataclass
from typing import Any

from fieldapp.errors import FieldAppError


class BadInput(FieldAppError):
    """The input is not a JSON object, a JSON array of objects, or JSON lines."""


@dataclass(frozen=True)
class JsonInput:
    """The items read, and the line (from 1) each starts on."""

    items: list[Any]
    lines: list[int]

    def where(self, index: int, source: str) -> str:
        """`source, line N` for the item at `index` (from 0)."""
        return f"{source}, line {self.lines[index]}"


def parse_json_input(text: str, *, source: str) -> JsonInput:
    text = text.removeprefix("\ufeff")  # a byte order mark from a Windows editor
    try:
        value = json.loads(text)
    except json.JSONDecodeError as whole_error:
        return _json_lines(text, source, whole_error)
    if isinstance(value, list):
        return JsonInput(value, _element_lines(text))
    if isinstance(value, dict):
        return JsonInput([value], [_line_of(text, len(text) - len(text.lstrip()))])
    raise BadInput()


def _json_lines(text: str, source: str, whole_error: json.JSONDecodeError) -> JsonInput:
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) < 2 or not _is_object(lines[0][1]):
        raise BadInput(
            f"{source}, line {whole_error.lineno}, column {whole_error.colno}: "
            f"not valid JSON ({whole_error.msg})"
        ) from None
    items, numbers = [], []
    for number, line in lines:
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise BadInput(
                f"{source}, line {number}, column {exc.colno}: not valid JSON ({exc.msg})"
            ) from None
        numbers.append(number)
    return JsonInput(items, numbers)


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _element_lines(text: str) -> list[int]:
    """The line each element of a (valid) JSON array starts on."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, text.index("[") + 1)
    lines = []
    while text[position] != "]":
        lines.append(_line_of(text, position))
        _value, end = decoder.raw_decode(text, position)
        position = _skip_space(text, end)
        if text[position] == ",":
            position = _skip_space(text, position + 1)
    return lines


def _skip_space(text: str, position: int) -> int:
    while text[position] in " \t\r\n":
        position += 1
    return position


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1
