"""A situation report as headed sections of paragraphs and tables, in one language: what the PDF
and the HTML both draw (so the two say the same thing in the same order)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sync.sitrep_format import KINDS

from . import labels as L
from .compute import Sitrep


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]  # shares of the text width
    numeric: set[int] = field(default_factory=set)  # column indexes aligned as numbers


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)  # (sub-heading, table)
    map: bool = False


def _change(value: int, language: str = "en") -> str:
    return L.ltr(language, f"+{value}" if value > 0 else str(value))


def title_of(sitrep: Sitrep, language: str) -> str:
    d = sitrep.definition
    days = L.ltr(language, d.date_to.isoformat() if d.date_from == d.date_to else f"{d.date_from} – {d.date_to}")
    return f"{L.text(language, 'title')} — {days}"


def header_lines(sitrep: Sitrep, language: str) -> list[str]:
    d = sitrep.definition
    zone = d.zone()
    start = L.ltr(language, sitrep.window.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"))
    end = L.ltr(language, sitrep.window.end.astimezone(zone).strftime("%Y-%m-%d %H:%M"))
    return [
        L.text(language, "as_of", cutoff=L.ltr(language, d.cutoff.strftime("%H:%M")), zone=L.ltr(language, d.time_zone),
               date=L.ltr(language, d.date_to.isoformat())),
        L.text(language, "period", start=start, end=end),
        L.text(language, "states_pending" if d.include_pending else "states_verified"),
    ]


def sections(sitrep: Sitrep, reports: list[dict[str, Any]], language: str, *, total_reports: int) -> list[Section]:
    t = lambda key, **v: L.text(language, key, **v)  # noqa: E731 - the one-letter translator of this module
    since = L.ltr(language, sitrep.definition.since_day.isoformat())
    totals = sitrep.tables["totals"]
    summary = t("summary_text", reports=totals["reports"], previous=totals["previous_reports"],
                violations=totals["violations"], previous_violations=totals["previous_violations"],
                since_total=totals["violations_since"], since=since)
    if totals["unverified"]:
        summary += t("summary_unverified", unverified=totals["unverified"])
    found = [Section(t("summary"), [summary], [("", _kinds_table(sitrep, language))])]

    area_tables = []
    for area in sitrep.areas:
        counts = sitrep.tables["areas"][area.id]
        rows = [[L.choice(language, "type", v["type"]), str(v["current"]), str(v["previous"]), _change(v["change"], language),
                 str(v["since"])] for v in counts["violations"] if v["current"] or v["previous"] or v["since"]
                or v["type"] != "unspecified"]
        total = [sum(v[k] for v in counts["violations"]) for k in ("current", "previous", "change", "since")]
        rows.append([t("total"), str(total[0]), str(total[1]), _change(total[2], language), str(total[3])])
        name = t("outside") if area.id == "" else area.name(language)
        area_tables.append((f"{t('area')}: {name}", Table(
            [t("type"), t("this_period"), t("previous"), t("change"), t("since", since=since)],
            rows, [0.36, 0.16, 0.16, 0.14, 0.18], {1, 2, 3, 4})))
    found.append(Section(t("violations"), tables=area_tables))

    movements = [[L.ltr(language, m["local_time"]), m["location"][language], L.kind(language, m["kind"]),
                  _unit(m["unit"], language), L.entry_name(language, m["camp"]), _movement_what(m, language)]
                 for m in sitrep.sections["unit_movements"]]
    found.append(_listing(t("movements"), language, [t("when"), t("where"), t("kind"), t("unit"), t("camp"), t("what")],
                          movements, [0.13, 0.2, 0.15, 0.18, 0.16, 0.18]))

    fighters = sitrep.sections["foreign_fighters"]
    crossings = [[L.entry_name(language, row["crossing"]) or "—", str(row["departed"]), str(row["departure_reports"]),
                  str(row["seen"]), str(row["presence_reports"])] for row in fighters["by_crossing"]]
    section = _listing(t("fighters"), language, [t("when"), t("where"), t("what"), t("crossing")],
                       [[L.ltr(language, f["local_time"]), f["location"][language], _fighters_what(f, language),
                         L.entry_name(language, f["crossing"])] for f in fighters["reports"]], [0.14, 0.26, 0.34, 0.26])
    if crossings:
        section.tables.insert(0, (t("by_crossing"), Table(
            [t("crossing"), t("departed"), t("reports"), t("seen"), t("reports")], crossings,
            [0.36, 0.16, 0.16, 0.16, 0.16], {1, 2, 3, 4})))
    found.append(section)

    weapons = [[L.ltr(language, w["local_time"]), w["location"][language], _weapon_what(w), "; ".join(
        L.rule(language, r["rule"]) + (f" ({r['entry_name']})" if r["entry_name"] else "") for r in w["reasons"])]
        for w in sitrep.sections["heavy_weapons"]]
    found.append(_listing(t("weapons"), language, [t("when"), t("where"), t("system"), t("why")], weapons,
                          [0.14, 0.26, 0.25, 0.35]))

    freedom = [[L.ltr(language, r["local_time"]), r["location"][language], L.choice(language, "restriction", r["restriction"]),
                r["by_whom"], r["reason_given"]] for r in sitrep.sections["freedom_of_movement"]]
    found.append(_listing(t("freedom"), language, [t("when"), t("where"), t("restriction"), t("by_whom"), t("reason")],
                          freedom, [0.14, 0.24, 0.14, 0.2, 0.28]))

    listed = [[r["record_id"][:8], L.ltr(language, r["local_time"]), r["location"][language], L.kind(language, r["kind"]),
               (f"[{t('unverified')}] " if r["unverified"] else "") + r["description"]] for r in reports]
    section = _listing(t("report_list"), language, [t("id"), t("when"), t("where"), t("kind"), t("description")],
                       listed, [0.1, 0.14, 0.22, 0.16, 0.38])
    if total_reports > len(reports):
        section.paragraphs.append(t("listed_limit", shown=len(reports), total=total_reports))
    found.append(section)
    found.append(Section(t("map"), [t("map_caption")], map=True))
    return found


def _kinds_table(sitrep: Sitrep, language: str) -> Table:
    t = lambda key, **v: L.text(language, key, **v)  # noqa: E731
    rows = []
    for kind in KINDS:
        current = sum(sitrep.tables["areas"][a.id]["kinds"][kind]["current"] for a in sitrep.areas)
        previous = sum(sitrep.tables["areas"][a.id]["kinds"][kind]["previous"] for a in sitrep.areas)
        rows.append([L.kind(language, kind), str(current), str(previous), _change(current - previous, language)])
    return Table([t("kind"), t("this_period"), t("previous"), t("change")], rows, [0.46, 0.18, 0.18, 0.18], {1, 2, 3})


def _listing(title: str, language: str, columns: list[str], rows: list[list[str]], widths: list[float]) -> Section:
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
    extra: Iterable[str] = (str(f["estimated_number"] or ""), f["nationality"], L.choice(language, "means", f["means"]))
    return ", ".join([what, *(e for e in extra if e)])


def _weapon_what(w: dict[str, Any]) -> str:
    parts = [w["system"] or "?"]
    if w["count"]:
        parts.insert(0, f"{w['count']} ×")
    if w["calibre_mm"]:
        parts.append(f"{w['calibre_mm']} mm")
    return " ".join(parts)
