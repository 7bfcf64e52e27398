"""The situation report's signed JSON: its counting rules and the offline check of it.

Both ends use this module: the server counts with `Tally` while it streams the reports
(server/sitreps/compute.py), and `verify_sitrep` (what `fieldapp verify SITREP.json` runs)
counts again from the records the document lists, so a published number is shown to rest on
those records (each named by the SHA-256 of its exact signed bytes, the hash an evidence
package proves) and on nothing else. Only `sync` and its dependencies: no server, no database.

Signature: Ed25519 by the server's signing key (the one that signs receipts) over
`fieldapp/v1/sitrep\\n` + the SHA-256 (hex) of the canonical JSON (RFC 8785) of the
document's `report` member. The digest is signed rather than the bytes because the server
writes the report as a stream (a year of records never has to be in memory at once).
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .canonical import canonical_bytes
from .crypto import b64decode, verify
from .errors import ProtocolError

FORMAT = "fieldapp-sitrep"
VERSION = 1
SIGNATURE_LABEL = b"fieldapp/v1/sitrep\n"
# The violation categories of the record format (docs/record-format.md), in table order.
VIOLATION_TYPES = (
    "explosion",
    "shelling",
    "projectile",
    "small_arms",
    "heavy_machine_gun",
    "airstrike",
    "drone",
)
UNSPECIFIED = "unspecified"  # a violation whose stored body names no known type (never made by the app)
TABLE_TYPES = (*VIOLATION_TYPES, UNSPECIFIED)
KINDS = (
    "violation",
    "unit_movement",
    "withdrawal",
    "foreign_fighters",
    "heavy_weapons",
    "movement_restriction",
    "other",
)
OUTSIDE = ""  # the area id of a report in no area


def parse_time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"a time without its UTC offset: {text!r}")
    return parsed


def events_of(details: dict[str, Any]) -> int:
    """How many violations one violation report counts: its `count`, else one (a report of a
    violation is at least one)."""
    count = details.get("count")
    return count if type(count) is int and count >= 1 else 1


@dataclass(frozen=True)
class Window:
    """The report's time boundaries (aware): the period [start, end), the previous period of the
    same length before it, and the running totals' [since, end)."""

    start: datetime
    end: datetime
    previous_start: datetime
    since: datetime

    @property
    def earliest(self) -> datetime:
        return min(self.previous_start, self.since)

    def public(self) -> dict[str, str]:
        return {
            "start": _z(self.start),
            "end": _z(self.end),
            "previous_start": _z(self.previous_start),
            "previous_end": _z(self.start),
            "since": _z(self.since),
        }

    @classmethod
    def from_public(cls, data: dict[str, Any]) -> "Window":
        return cls(
            start=parse_time(data["start"]),
            end=parse_time(data["end"]),
            previous_start=parse_time(data["previous_start"]),
            since=parse_time(data["since"]),
        )


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _AreaCounts:
    kinds: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in KINDS})
    violations: dict[str, list[int]] = field(default_factory=lambda: {t: [0, 0, 0] for t in TABLE_TYPES})


class Tally:
    """The numbers of the report, counted one record at a time (either end).

    A record is `{observed_at, area, kind, violation_type, events, unverified?}`; per area:
    reports by kind in the period and the previous one, and violations (events) by type in
    the period, the previous one and since the running totals' date."""

    def __init__(self, window: Window, area_ids: Iterable[str], *, grow: bool = False) -> None:
        self.window = window
        self.areas = {area: _AreaCounts() for area in area_ids}
        self.grow = grow  # the server's gazetteer areas appear as they are found
        self.unverified = 0

    def add(self, record: dict[str, Any]) -> None:
        at = parse_time(record["observed_at"])
        w = self.window
        current, previous, since = (
            w.start <= at < w.end,
            w.previous_start <= at < w.start,
            w.since <= at < w.end,
        )
        if not (current or previous or since):
            raise ValueError(f"record {record.get('record_id')} is outside the report's time window")
        counts = self.areas.get(record["area"])
        if counts is None and self.grow:
            counts = self.areas[record["area"]] = _AreaCounts()
        if counts is None:
            raise ValueError(f"record {record.get('record_id')} names an area the report does not have")
        kind = record["kind"]
        if kind not in counts.kinds:
            raise ValueError(f"record {record.get('record_id')} has an unknown kind")
        if current:
            counts.kinds[kind][0] += 1
            self.unverified += 1 if record.get("unverified") else 0
        elif previous:
            counts.kinds[kind][1] += 1
        if kind == "violation":
            row = counts.violations.get(record.get("violation_type") or "")
            if row is None:
                raise ValueError(f"record {record.get('record_id')} has an unknown violation type")
            events = record["events"]
            if type(events) is not int or events < 1:
                raise ValueError(f"record {record.get('record_id')} counts no events")
            for index, holds in enumerate((current, previous, since)):
                row[index] += events if holds else 0

    def tables(self) -> dict[str, Any]:
        """`areas` (by id) and `totals`, as the document carries them."""
        areas: dict[str, Any] = {}
        totals = {
            "reports": 0,
            "previous_reports": 0,
            "violations": 0,
            "previous_violations": 0,
            "violations_since": 0,
            "unverified": self.unverified,
        }
        for area, counts in self.areas.items():
            kinds = {k: {"current": c, "previous": p} for k, (c, p) in counts.kinds.items()}
            violations: list[dict[str, Any]] = [
                {"type": t, "current": c, "previous": p, "change": c - p, "since": s}
                for t, (c, p, s) in counts.violations.items()
            ]
            areas[area] = {
                "reports": sum(v["current"] for v in kinds.values()),
                "previous_reports": sum(v["previous"] for v in kinds.values()),
                "kinds": kinds,
                "violations": violations,
            }
            totals["reports"] += areas[area]["reports"]
            totals["previous_reports"] += areas[area]["previous_reports"]
            totals["violations"] += sum(v["current"] for v in violations)
            totals["previous_violations"] += sum(v["previous"] for v in violations)
            totals["violations_since"] += sum(v["since"] for v in violations)
        return {"areas": areas, "totals": totals}


def signed_message(report_digest_hex: str) -> bytes:
    return SIGNATURE_LABEL + report_digest_hex.encode("ascii")


def records_digest(pairs: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over `record_id:body_hash\\n` of every counted record, in the document's order:
    one value the PDF prints and the JSON carries, so the two can be matched."""
    digest = hashlib.sha256()
    for record_id, body_hash in pairs:
        digest.update(f"{record_id}:{body_hash}\n".encode("ascii"))
    return digest.hexdigest()


@dataclass(frozen=True)
class SitrepCheck:
    ok: bool
    what: str
    detail: str = ""

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL':<5} {self.what}" + (
            "" if self.ok or not self.detail else f": {self.detail}"
        )


def looks_like_sitrep(data: bytes) -> bool:
    """A JSON object (a package is a zip, starting "PK")."""
    return data.lstrip()[:1] == b"{"


def verify_sitrep(data: bytes, *, server_key: bytes | None = None) -> list[SitrepCheck]:
    """Each check of a sitrep JSON: signature, then every number counted again from its records."""
    checks: list[SitrepCheck] = []
    try:
        document = json.loads(data)
        report, signature = document["report"], document["signature"]
        key = b64decode(report["server_key"]) if server_key is None else server_key
        sig = b64decode(signature["value"])
    except (ValueError, KeyError, TypeError, ProtocolError) as exc:
        return [SitrepCheck(False, "the file is a FieldApp situation report", str(exc))]
    checks.append(SitrepCheck(report.get("format") == FORMAT, "the file is a FieldApp situation report"))
    if server_key is not None:
        checks.append(
            SitrepCheck(
                b64decode(report["server_key"]) == server_key,
                "the report names the server key given",
                "the report names another key",
            )
        )
    digest = hashlib.sha256(canonical_bytes(report)).hexdigest()
    checks.append(
        SitrepCheck(
            verify(key, signed_message(digest), sig),
            "the server's signature over the report",
            "does not verify: the report was changed after it was signed, or another key signed it",
        )
    )
    checks.extend(_recount(report))
    return checks


def _recount(report: dict[str, Any]) -> list[SitrepCheck]:
    try:
        window = Window.from_public(report["window"])
        areas = [a["id"] for a in report["areas"]]
        tally = Tally(window, areas)
        seen: set[str] = set()
        pairs = []
        for record in [*report["earlier_records"], *report["reports"]]:
            if record["record_id"] in seen:
                raise ValueError(f"record {record['record_id']} is listed twice")
            seen.add(record["record_id"])
            tally.add(record)
            pairs.append((record["record_id"], record["body_hash"]))
        for record in report["earlier_records"]:
            if parse_time(record["observed_at"]) >= window.start:
                raise ValueError(f"earlier record {record['record_id']} lies in the period")
        for record in report["reports"]:
            if not window.start <= parse_time(record["observed_at"]) < window.end:
                raise ValueError(f"record {record['record_id']} lies outside the period")
    except (KeyError, TypeError, ValueError) as exc:
        return [SitrepCheck(False, "every listed record lies in the report's window", str(exc))]
    found = [SitrepCheck(True, f"every listed record lies in the report's window ({len(seen)} records)")]
    tables = tally.tables()
    wrong = [
        area["id"]
        for area in report["areas"]
        if {k: area.get(k) for k in ("reports", "previous_reports", "kinds", "violations")}
        != tables["areas"][area["id"]]
    ]
    found.append(
        SitrepCheck(
            not wrong,
            "every area's counts are the listed records' counts",
            f"they differ for {', '.join(a or 'outside every area' for a in wrong)}",
        )
    )
    found.append(
        SitrepCheck(
            report.get("totals") == tables["totals"],
            "the totals are the listed records' totals",
            f"the report says {report.get('totals')}, the records give {tables['totals']}",
        )
    )
    found.append(
        SitrepCheck(
            report.get("records_counted") == len(pairs),
            "the number of records counted is the listed records'",
            f"the report says {report.get('records_counted')}, it lists {len(pairs)}",
        )
    )
    found.append(
        SitrepCheck(
            report.get("records_digest") == records_digest(pairs),
            "the record digest is the listed records' digest",
            "it is not",
        )
    )
    return found
