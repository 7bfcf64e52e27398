"""A situation report as one self-contained HTML page (print it from the browser): the same
sections as the PDF, every value escaped, Arabic right to left, the map as an inline PNG."""

import base64
import html
from typing import Any

from . import labels as L
from .compute import Sitrep
from .layout import Table, header_lines, sections, title_of

STYLE = """
body{font-family:"Noto Sans","Noto Sans Arabic",Arial,sans-serif;margin:2em auto;max-width:60em;color:#111}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #bbb}
h3{font-size:1em;margin:.8em 0 .3em}.meta{color:#555;margin:.1em 0}
table{border-collapse:collapse;width:100%;font-size:.85em;margin-bottom:.6em}
th,td{border:1px solid #bbb;padding:.2em .4em;text-align:start;vertical-align:top}th{background:#e2e7f0}
td.n{text-align:end}img{max-width:100%}.sig{color:#555;font-size:.8em;margin-top:2em;word-break:break-all}
thead{display:table-header-group}tr{break-inside:avoid}
"""


def render_html(
    sitrep: Sitrep, reports: list[dict[str, Any]], *, total_reports: int, language: str, map_png: bytes | None
) -> str:
    e = html.escape
    head = sitrep.head()
    title = title_of(head, language)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(language)}" dir="{"rtl" if language == "ar" else "ltr"}">',
        '<head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>",
        f'<p class="meta">{e(L.text(language, "subtitle"))}</p><h1>{e(title)}</h1>',
        *(f'<p class="meta">{e(line)}</p>' for line in header_lines(head, language)),
    ]
    for section in sections(head, reports, language, total_reports=total_reports):
        parts.append(f"<h2>{e(section.title)}</h2>")
        parts += [f"<p>{e(p)}</p>" for p in section.paragraphs]
        for subtitle, table in section.tables:
            if subtitle:
                parts.append(f"<h3>{e(subtitle)}</h3>")
            parts.append(_table(table))
        if section.map and map_png:
            data = base64.b64encode(map_png).decode("ascii")
            parts.append(f'<img alt="{e(section.title)}" src="data:image/png;base64,{data}">')
    signature = L.text(
        language, "signature", count=sitrep.records_counted, digest=L.ltr(language, sitrep.records_digest)
    )
    parts.append(f'<p class="sig">{e(signature)}</p></body></html>')
    return "\n".join(parts)


def _table(table: Table) -> str:
    e = html.escape
    head = "".join(f"<th>{e(c)}</th>" for c in table.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if i in table.numeric else ''}>{e(v or '—')}</td>" for i, v in enumerate(row)
        )
        + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
