"""A situation report as headed sections of paragraphs and tables, in one language: what the PDF,
the HTML and the console page all draw (so they say the same thing in the same order). It reads
the report's JSON (`Sitrep.head()`, or the signed document's `report`), nothing else."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sync.sitrep_format import KINDS

from . import labels as L


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]  # shares of the text width
    numeric: set[int] = field(default_factory=set)  # column indexes aligned as numbers
    record_ids: list[str] = field(default_factory=list)  # the report list: each row's report


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)  # (sub-heading, table)
    map: bool = False


def _change(value: int, language: str = "en") -> str:
    return L.ltr(language, f"+{value}" if value > 0 else str(value))


Head = dict[str, Any]  # the report's JSON


def title_of(head: Head, language: str) -> str:
    d = head["definition"]
    days = L.ltr(
        language, d["date_to"] if d["date_from"] == d["date_to"] else f"{d['date_from']} – {d['date_to']}"
    )
    return f"{L.text(language, 'title')} — {days}"


def _local(head: Head, key: str) -> str:
    moment = datetime.fromisoformat(head["window"][key].replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo(head["definition"]["time_zone"])).strftime("%Y-%m-%d %H:%M")


def header_lines(head: Head, language: str) -> list[str]:
    d = head["definition"]
    return [
        L.text(
            language,
            "as_of",
            cutoff=L.ltr(language, d["cutoff"]),
            zone=L.ltr(language, d["time_zone"]),
            date=L.ltr(language, d["date_to"]),
        ),
        L.text(
            language,
            "period",
            start=L.ltr(language, _local(head, "start")),
            end=L.ltr(language, _local(head, "end")),
        ),
        L.text(language, "states_pending" if d["include_pending"] else "states_verified"),
    ]


def sections(
    head: Head, reports: list[dict[str, Any]], language: str, *, total_reports: int
) -> list[Section]:
    t = lambda key, **v: L.text(language, key, **v)  # noqa: E731 - the one-letter translator of this module
    since = L.ltr(language, head["definition"]["since"])
    totals = head["totals"]
    summary = t(
        "summary_text",
        reports=totals["reports"],
        previous=totals["previous_reports"],
        violations=totals["violations"],
        previous_violations=totals["previous_violations"],
        since_total=totals["violations_since"],
        since=since,
    )
    if totals["unverified"]:
        summary += t("summary_unverified", unverified=totals["unverified"])
    found = [Section(t("summary"), [summary], [("", _kinds_table(head, language))])]

    area_tables = []
    for counts in head["areas"]:
        rows = [
            [
                L.choice(language, "type", v["type"]),
                str(v["current"]),
                str(v["previous"]),
                _change(v["change"], language),
                str(v["since"]),
            ]
            for v in counts["violations"]
            if v["current"] or v["previous"] or v["since"] or v["type"] != "unspecified"
        ]
        total = [sum(v[k] for v in counts["violations"]) for k in ("current", "previous", "change", "since")]
        rows.append([t("total"), str(total[0]), str(total[1]), _change(total[2], language), str(total[3])])
        name = t("outside") if counts["id"] == "" else L.entry_name(language, counts)
        area_tables.append(
            (
                f"{t('area')}: {name}",
                Table(
                    [t("type"), t("this_period"), t("previous"), t("change"), t("since", since=since)],
                    rows,
                    [0.36, 0.16, 0.16, 0.14, 0.18],
                    {1, 2, 3, 4},
                ),
            )
        )
    found.append(Section(t("violations"), tables=area_tables))

    movements = [
        [
            L.ltr(language, m["local_time"]),
            m["location"][language],
            L.kind(language, m["kind"]),
            _unit(m["unit"], language),
            L.entry_name(language, m["camp"]),
            _movement_what(m, language),
        ]
        for m in head["unit_movements"]
    ]
    found.append(
        _listing(
            t("movements"),
            language,
            [t("when"), t("where"), t("kind"), t("unit"), t("camp"), t("what")],
            movements,
            [0.13, 0.2, 0.15, 0.18, 0.16, 0.18],
        )
    )

    fighters = head["foreign_fighters"]
    crossings = [
        [
            L.entry_name(language, row["crossing"]) or "—",
            str(row["departed"]),
            str(row["departure_reports"]),
            str(row["seen"]),
            str(row["presence_reports"]),
        ]
        for row in fighters["by_crossing"]
    ]
    section = _listing(
        t("fighters"),
        language,
        [t("when"), t("where"), t("what"), t("crossing")],
        [
            [
                L.ltr(language, f["local_time"]),
                f["location"][language],
                _fighters_what(f, language),
                L.entry_name(language, f["crossing"]),
            ]
            for f in fighters["reports"]
        ],
        [0.14, 0.26, 0.34, 0.26],
    )
    if crossings:
        section.tables.insert(
            0,
            (
                t("by_crossing"),
                Table(
                    [t("crossing"), t("departed"), t("reports"), t("seen"), t("reports")],
                    crossings,
                    [0.36, 0.16, 0.16, 0.16, 0.16],
                    {1, 2, 3, 4},
                ),
            ),
        )
    found.append(section)

    weapons = [
        [
            L.ltr(language, w["local_time"]),
            w["location"][language],
            _weapon_what(w),
            "; ".join(
                L.rule(language, r["rule"]) + (f" ({r['entry_name']})" if r["entry_name"] else "")
                for r in w["reasons"]
            ),
        ]
        for w in head["heavy_weapons"]
    ]
    found.append(
        _listing(
            t("weapons"),
            language,
            [t("when"), t("where"), t("system"), t("why")],
            weapons,
            [0.14, 0.26, 0.25, 0.35],
        )
    )

    freedom = [
        [
            L.ltr(language, r["local_time"]),
            r["location"][language],
            L.choice(language, "restriction", r["restriction"]),
            r["by_whom"],
            r["reason_given"],
        ]
        for r in head["freedom_of_movement"]
    ]
    found.append(
        _listing(
            t("freedom"),
            language,
            [t("when"), t("where"), t("restriction"), t("by_whom"), t("reason")],
            freedom,
            [0.14, 0.24, 0.14, 0.2, 0.28],
        )
    )

    listed = [
        [
            r["record_id"][:8],
            L.ltr(language, r["local_time"]),
            r["location"][language],
            L.kind(language, r["kind"]),
            (f"[{t('unverified')}] " if r["unverified"] else "") + r["description"],
        ]
        for r in reports
    ]
    section = _listing(
        t("report_list"),
        language,
        [t("id"), t("when"), t("where"), t("kind"), t("description")],
        listed,
        [0.1, 0.14, 0.22, 0.16, 0.38],
    )
    for _, table in section.tables:
        table.record_ids = [r["record_id"] for r in reports]
    if total_reports > len(reports):
        section.paragraphs.append(t("listed_limit", shown=len(reports), total=total_reports))
    found.append(section)
    found.append(Section(t("map"), [t("map_caption")], map=True))
    return found


def _kinds_table(head: Head, language: str) -> Table:
    t = lambda key, **v: L.text(language, key, **v)  # noqa: E731
    rows = []
    for kind in KINDS:
        current = sum(a["kinds"][kind]["current"] for a in head["areas"])
        previous = sum(a["kinds"][kind]["previous"] for a in head["areas"])
        rows.append(
            [L.kind(language, kind), str(current), str(previous), _change(current - previous, language)]
        )
    return Table(
        [t("kind"), t("this_period"), t("previous"), t("change")], rows, [0.46, 0.18, 0.18, 0.18], {1, 2, 3}
    )


def _listing(
    title: str, language: str, columns: list[str], rows: list[list[str]], widths: list[float]
) -> Section:
    if not rows:
        return Section(title, [L.text(language, "none")])
    return Section(title, tables=[("", Table(columns, rows, widths))])


def _unit(entry: dict[str, str] | None, language: str) -> str:
    name = L.entry_name(language, entry)
    return f"{name} ({entry['side']})" if entry and entry.get("side") else name


def _movement_what(m: dict[str, Any], language: str) -> str:
    parts: list[str] = []
    if m["completeness"]:
        parts.append(L.choice(language, "completeness", m["completeness"]))
    if m["personnel"]:
        parts.append(f"{m['personnel']} {L.text(language, 'personnel')}")
    parts += [f"{n} {name}" for name, n in m["vehicles"].items()]
    if m["heading"]:
        parts.append(f"→ {m['heading']}")
    if m["from_place"] or m["to_place"]:
        parts.append(f"{m['from_place'] or '?'} – {m['to_place'] or '?'}")
    return ", ".join(parts)


def _fighters_what(f: dict[str, Any], language: str) -> str:
    what = L.choice(language, "activity", f["activity"])
    extra: Iterable[str] = (
        str(f["estimated_number"] or ""),
        f["nationality"],
        L.choice(language, "means", f["means"]),
    )
    return ", ".join([what, *(e for e in extra if e)])


def _weapon_what(w: dict[str, Any]) -> str:
    parts = [w["system"] or "?"]
    if w["count"]:
        parts.insert(0, f"{w['count']} ×")
    if w["calibre_mm"]:
        parts.append(f"{w['calibre_mm']} mm")
    return " ".join(parts)
