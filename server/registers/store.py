"""Registers on the server: add and edit entries (a new version each time), retire them, list
them, and the signed feed devices pull.

Nothing is ever deleted: a report may name an entry's id, and the record keeps the name it
showed, so an entry leaves the pickers by being retired (a new, signed version with
`retired: true`). Every write of a device register (not obligations) appends one signed
version to `register_changes`; its key is the feed's cursor.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.canonical import canonical_bytes
from sync.crypto import b64encode
from sync.registers import REGISTERS, RegisterEntry, RegisterFeed, RegisterItem, sign_entry

from ..clock import Clock
from ..errors import InvalidInput, NotFound
from ..keys import ServerKeys
from .obligations import Obligation
from .tables import RegisterChangeRow, RegisterEntryRow

ALL_REGISTERS: tuple[str, ...] = (*REGISTERS, "obligations")
Entry = RegisterEntry | Obligation
# What each register's entries may name, and in which register that id must be.
REFERENCES: dict[str, dict[str, str]] = {
    "units": {"home_camp": "camps", "area": "lines_and_areas"},
    "obligations": {"unit": "units", "camp": "camps", "crossing": "crossings", "storage_site": "storage_sites"},
}


@dataclass
class ImportResult:
    """What an import or an edit did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RowProblem:
    """One bad row of an import: where it is (file line or item number) and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ImportRefused(InvalidInput):
    """The import was refused; nothing of it was stored."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"nothing imported: {shown}{more}")


def check_register(register: str) -> str:
    if register not in ALL_REGISTERS:
        raise NotFound(f"no register {register!r} (registers: {', '.join(ALL_REGISTERS)})")
    return register


def validate(register: str, data: dict[str, Any]) -> Entry:
    """One entry of `register` (raises pydantic's ValidationError)."""
    values = {**data, "register_name": register}
    return Obligation.model_validate(values) if register == "obligations" else RegisterEntry.model_validate(values)


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _content(entry: Entry) -> dict[str, Any]:
    """What decides whether an edit changed anything: the entry without its version."""
    data = entry.model_dump(mode="json")
    data.pop("version")
    return data


def put_entries(
    session: Session,
    register: str,
    items: Iterable[tuple[int, dict[str, Any]]],
    *,
    keys: ServerKeys,
    clock: Clock,
    actor: str,
    unreadable: Iterable[RowProblem] = (),
) -> ImportResult:
    """Add or edit entries (idempotent by id: an unchanged entry keeps its version); `items` are
    (line, values) pairs, `unreadable` the rows a file parser could not read. Every problem is
    named with its line, and then nothing is stored."""
    check_register(register)
    _serialize_writers(session)  # before reading what the versions build on
    items = list(items)
    problems: list[RowProblem] = list(unreadable)
    parsed: list[tuple[int, Entry]] = []
    seen: dict[str, int] = {}
    for line, values in items:
        try:
            entry = validate(register, {**values, "version": 1})
        except ValidationError as exc:
            problems.append(RowProblem(line, _reason(exc)))
            continue
        if entry.id in seen:
            problems.append(RowProblem(line, f"id {entry.id!r} is also on line {seen[entry.id]}"))
            continue
        seen[entry.id] = line
        parsed.append((line, entry))
    problems += _missing_references(session, register, parsed)
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.line))
    result = ImportResult()
    current = _rows(session, register, [entry.id for _, entry in parsed])
    for _, entry in parsed:
        row = current.get(entry.id)
        if row is not None and json.loads(row.data) == _content(entry):
            result.unchanged.append(entry.id)
            continue
        _write(session, entry, row, keys=keys, clock=clock, actor=actor)
        (result.changed if row is not None else result.added).append(entry.id)
    return result


def set_retired(
    session: Session, register: str, entry_id: str, retired: bool, *, keys: ServerKeys, clock: Clock, actor: str
) -> Entry:
    """Retire an entry (or bring it back): a new version; it stays for the reports that name it."""
    check_register(register)
    _serialize_writers(session)
    row = session.get(RegisterEntryRow, (register, entry_id))
    if row is None:
        raise NotFound(f"no entry {entry_id!r} in {register}")
    entry = validate(register, {**json.loads(row.data), "version": row.version, "retired": retired})
    if retired != row.retired:
        entry = _write(session, entry, row, keys=keys, clock=clock, actor=actor)
    return entry


def _serialize_writers(session: Session) -> None:
    """One register writer at a time, so feed cursors commit in the order they were taken (a
    device that read cursor 7 must never later find a 6 committed behind it). SQLite's
    BEGIN IMMEDIATE already does this; PostgreSQL takes a transaction-scoped advisory lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(4242015)"))


def _write(
    session: Session, entry: Entry, row: RegisterEntryRow | None, *, keys: ServerKeys, clock: Clock, actor: str
) -> Entry:
    version = 1 if row is None else row.version + 1
    entry = entry.model_copy(update={"version": version})
    now = clock()
    data = canonical_bytes(_content(entry)).decode()
    if row is None:
        row = RegisterEntryRow(register_name=entry.register_name, id=entry.id, version=version, retired=entry.retired,
                               name_en=entry.name_en, data=data, updated_at=now, updated_by=actor)
        session.add(row)
    else:
        row.version, row.retired, row.name_en, row.data = version, entry.retired, entry.name_en, data
        row.updated_at, row.updated_by = now, actor
    if isinstance(entry, RegisterEntry):
        body, signature = sign_entry(keys.sign_private, entry)
        session.add(RegisterChangeRow(register_name=entry.register_name, entry_id=entry.id, version=version,
                                      body=body, signature=signature, at=now))
    session.flush()
    return entry


def _rows(session: Session, register: str, ids: list[str]) -> dict[str, RegisterEntryRow]:
    found: dict[str, RegisterEntryRow] = {}
    for start in range(0, len(ids), 500):
        query = sa.select(RegisterEntryRow).where(
            col(RegisterEntryRow.register_name) == register, col(RegisterEntryRow.id).in_(ids[start : start + 500])
        )
        found.update({row.id: row for row in session.scalars(query)})
    return found


def _missing_references(session: Session, register: str, parsed: list[tuple[int, Entry]]) -> list[RowProblem]:
    references = REFERENCES.get(register, {})
    problems: list[RowProblem] = []
    known: dict[str, set[str]] = {}
    for target in set(references.values()):
        ids = session.scalars(sa.select(col(RegisterEntryRow.id)).where(col(RegisterEntryRow.register_name) == target))
        known[target] = set(ids)
    for line, entry in parsed:
        for name, target in references.items():
            value = getattr(entry, name, None)
            if value is not None and value not in known[target]:
                problems.append(RowProblem(line, f"{name}: {value!r} is not an entry of {target}"))
    return problems


def list_entries(session: Session, register: str, *, include_retired: bool = True) -> list[Entry]:
    """The current version of every entry of a register, by id."""
    check_register(register)
    query = sa.select(RegisterEntryRow).where(col(RegisterEntryRow.register_name) == register)
    if not include_retired:
        query = query.where(col(RegisterEntryRow.retired).is_(False))
    rows = session.scalars(query.order_by(col(RegisterEntryRow.id))).all()
    return [validate(register, {**json.loads(row.data), "version": row.version}) for row in rows]


def entries_by_id(session: Session, register: str) -> dict[str, Any]:
    return {entry.id: entry for entry in list_entries(session, register)}


def feed(session: Session, *, since: int, limit: int) -> RegisterFeed:
    """Signed entry versions after cursor `since`, oldest first."""
    rows = session.execute(
        sa.select(col(RegisterChangeRow.cursor), col(RegisterChangeRow.body), col(RegisterChangeRow.signature))
        .where(col(RegisterChangeRow.cursor) > since)
        .order_by(col(RegisterChangeRow.cursor))
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    return RegisterFeed(
        items=[RegisterItem(cursor=r.cursor, body=b64encode(r.body), signature=b64encode(r.signature)) for r in page],
        cursor=page[-1].cursor if page else since,
        more=len(rows) > limit,
    )


def public(entry: BaseModel) -> dict[str, Any]:
    return entry.model_dump(mode="json")
