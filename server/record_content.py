"""What a signed record body may hold, and reading stored bodies without trusting them.

A valid signature says which device sent the bytes, not that they are harmless. Before a
body is accepted it must be something every later answer, export and database write can
carry: canonical-JSON-safe (UTF-8, finite numbers: `sync.canonical.parse_json`), no text
UTF-8 cannot encode (a lone surrogate from a `\\ud800` escape), integers within JSON's exact
range, nesting and sizes within fixed bounds. A body that fails is rejected with the reason.

Reading is defence in depth: a row stored before these checks (or changed in the database)
is read with the same checks, and a body that fails them is shown as empty with the reason
(`content_problem`), never as an error answer.
"""

from dataclasses import dataclass
from typing import Any

import orjson

from sync.canonical import parse_json
from sync.errors import ProtocolError
from sync.wire import encodable_text

from .record_fields import MalformedRecord

MAX_DEPTH = 8  # objects/arrays inside each other; a record needs 3 (details.vehicles.tank)
MAX_ENTRIES = 200  # keys of one object or items of one array
MAX_KEY_CHARS = 64
MAX_TEXT_CHARS = 1000  # any text field...
TEXT_CHARS = {"description": 8000}  # ...but these (twice what the app lets an observer type)
MAX_EXACT_INT = 2**53


@dataclass(frozen=True)
class StoredContent:
    """A stored body as the review and export code may use it."""

    content: dict[str, Any]
    problem: str | None = None


def check_content(content: Any) -> None:
    """Raise MalformedRecord (with the field's path) if the parsed body holds anything unsafe."""
    if not _plainly_safe(content):
        _check(content, None, 1)


# Every stored body is read again by the queue, corroboration and the exports, so the usual
# case is decided first without a call per value: True only if `_check` would find nothing;
# anything else (a long text, which some fields may hold, included) goes to `_check`, which
# decides and names the field.
def _plainly_safe(content: Any) -> bool:
    if type(content) is not dict:
        return False
    stack = [(content, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH or len(value) > MAX_ENTRIES:
            return False
        if type(value) is dict:
            for key in value:
                if len(key) > MAX_KEY_CHARS or not key.isascii():
                    return False
            value = value.values()
        for item in value:
            kind = type(item)
            if kind is str:
                if len(item) > MAX_TEXT_CHARS or not (item.isascii() or _encodable(item)):
                    return False
            elif kind is int or kind is float:
                if not -MAX_EXACT_INT <= item <= MAX_EXACT_INT:
                    return False  # (a float: it may have been an integer orjson widened)
            elif kind is dict or kind is list:
                stack.append((item, depth + 1))
    return True


def read_stored(body: bytes) -> StoredContent:
    """The body parsed and checked; an empty record and the reason if it fails.

    orjson parses as `parse_json` does (strict UTF-8, no lone surrogates, finite numbers,
    bounded depth) in a fraction of the time, but turns integers beyond 64 bits into floats.
    So a body orjson refuses, or one that is not plainly safe (a float that large included),
    is read again by `parse_json` and checked by `_check`: the answer, and the reason given,
    are the same as theirs.
    """
    try:
        content = orjson.loads(body)
    except orjson.JSONDecodeError:
        content = None
    if type(content) is dict and _plainly_safe(content):
        return StoredContent(content)
    try:
        content = parse_json(body)
        if not isinstance(content, dict):
            raise MalformedRecord("malformed record: not a JSON object")
        _check(content, None, 1)
    except ProtocolError as exc:
        return StoredContent({}, f"malformed record: {exc}")
    except MalformedRecord as exc:
        return StoredContent({}, str(exc))
    return StoredContent(content)


# On the ingest hot path (every record): the path is a (parent, key) chain, spelled out
# only for the error message; exact type checks (parse_json makes plain types only).
def _check(value: Any, where: Any, depth: int) -> None:
    kind = type(value)
    if kind is str:
        _check_text(value, where)
    elif kind is int:
        if not -MAX_EXACT_INT <= value <= MAX_EXACT_INT:
            raise MalformedRecord(f"malformed record: number at {_path(where)} out of range")
    elif kind is dict or kind is list:
        if depth > MAX_DEPTH:
            raise MalformedRecord(
                f"malformed record: nested deeper than {MAX_DEPTH} levels at {_path(where)}"
            )
        if len(value) > MAX_ENTRIES:
            raise MalformedRecord(f"malformed record: more than {MAX_ENTRIES} entries at {_path(where)}")
        if kind is list:
            for index, item in enumerate(value):
                _check(item, (where, index), depth + 1)
            return
        for key, item in value.items():
            if len(key) > MAX_KEY_CHARS or not key.isascii():
                _check_key(key, where)
            _check(item, (where, key), depth + 1)
    # bool, None and float need nothing: parse_json refused non-finite numbers


def _check_key(key: str, where: Any) -> None:
    if len(key) > MAX_KEY_CHARS:
        raise MalformedRecord(
            f"malformed record: a key at {_path(where)} is longer than {MAX_KEY_CHARS} characters"
        )
    if not _encodable(key):
        raise MalformedRecord(
            f"malformed record: a key at {_path(where)} holds a lone surrogate (not valid Unicode)"
        )


def _check_text(value: str, where: Any) -> None:
    if len(value) > MAX_TEXT_CHARS:
        limit = TEXT_CHARS.get(_path(where), MAX_TEXT_CHARS)
        if len(value) > limit:
            raise MalformedRecord(f"malformed record: {_path(where)} longer than {limit} characters")
    if not value.isascii() and not _encodable(value):
        raise MalformedRecord(
            f"malformed record: text at {_path(where)} holds a lone surrogate (not valid Unicode)"
        )


def _encodable(text: str) -> bool:
    try:
        encodable_text(text)
    except ValueError:
        return False
    return True


def _path(where: Any) -> str:
    """`details.vehicles.tank`, `attachments[0].name` or `top` from a (parent, key) chain."""
    parts: list[str] = []
    while where is not None:
        where, key = where
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    text = "".join(reversed(parts)).lstrip(".")
    return text or "top"
