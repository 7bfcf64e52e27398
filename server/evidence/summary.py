"""The package's human-readable summary, in English and Arabic (right to left), as HTML.

Everything shown comes from the package's own files (the signed record, the receipt, the
log's head and the audit trail); every value is escaped. The summary is a reading aid: what
counts is what `fieldapp verify` checks, and the summary's own hash is in the manifest.
"""

import html

from sync.log_protocol import format_time

from ..record_content import read_stored
from .collect import EvidenceFacts

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Evidence package",
        "record": "Report",
        "kind": "Kind",
        "observed_at": "Observed at",
        "location": "Location (lat, lon)",
        "place": "Place",
        "description": "Description",
        "state": "Review state",
        "device": "Device",
        "fingerprint": "Device key fingerprint (SHA-256)",
        "enrolled": "Enrolled",
        "seq": "Place in the device's chain",
        "body_hash": "SHA-256 of the signed bytes",
        "received": "Received by the server",
        "log": "Transparency log",
        "leaf": "leaf {index} of a tree of {size}",
        "root": "Signed tree head root",
        "photos": "Photos (SHA-256 as signed)",
        "missing": "not received by the server",
        "decisions": "Decisions (audit trail)",
        "none": "none",
        "verify": "Check this package offline: fieldapp verify PACKAGE.zip (docs/evidence.md).",
    },
    "ar": {
        "title": "حزمة الأدلة",
        "record": "التقرير",
        "kind": "النوع",
        "observed_at": "وقت المشاهدة",
        "location": "الموقع (خط العرض، خط الطول)",
        "place": "المكان",
        "description": "الوصف",
        "state": "حالة المراجعة",
        "device": "الجهاز",
        "fingerprint": "بصمة مفتاح الجهاز (SHA-256)",
        "enrolled": "تاريخ التسجيل",
        "seq": "الموضع في سلسلة الجهاز",
        "body_hash": "SHA-256 للبايتات الموقّعة",
        "received": "وقت الاستلام في الخادم",
        "log": "سجل الشفافية",
        "leaf": "الورقة {index} في شجرة من {size}",
        "root": "جذر رأس الشجرة الموقّع",
        "photos": "الصور (SHA-256 كما وُقّعت)",
        "missing": "لم يستلمها الخادم",
        "decisions": "القرارات (سجل التدقيق)",
        "none": "لا شيء",
        "verify": "تحقّق من هذه الحزمة دون اتصال: fieldapp verify PACKAGE.zip (docs/evidence.md).",
    },
}


def render_html(facts: EvidenceFacts, language: str) -> str:
    t = LABELS[language]
    report, device = facts.report, facts.device
    record = read_stored(report.body).content  # a body unsafe to show is shown empty
    found = record.get("location")
    location = found if isinstance(found, dict) else {}
    record_leaf = next(e.proof for e in facts.entries if e.role == "record")
    rows = [
        (t["record"], report.record_id),
        (t["kind"], report.kind),
        (t["observed_at"], record.get("observed_at")),
        (t["location"], f"{location.get('lat')}, {location.get('lon')}"),
        (t["place"], record.get("place")),
        (t["description"], record.get("description")),
        (t["state"], report.state),
        (t["device"], f"{device.id} {device.label or ''}".strip()),
        (t["enrolled"], format_time(device.enrolled_at)),
        (t["seq"], report.seq),
        (t["body_hash"], report.body_hash),
        (t["received"], format_time(report.received_at)),
        (t["log"], t["leaf"].format(index=record_leaf.leaf_index, size=facts.head.tree_size)),
        (t["root"], facts.head.root_hash),
    ]
    photos = [
        f"<li><code>{_e(photo.sha256)}</code> {_e(photo.name)}" + ("" if data else f" ({_e(t['missing'])})")
        for photo, data in facts.photos
    ]
    decisions = [
        f"<li>{_e(format_time(e.at))} · {_e(e.actor)} · {_e(e.from_state)} → {_e(e.to_state)}"
        + (f" · {_e(e.reason)}" if e.reason else "")
        for e in facts.events
    ]
    direction = "rtl" if language == "ar" else "ltr"
    table = "\n".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"""<!doctype html>
<html lang="{language}" dir="{direction}">
<head><meta charset="utf-8"><title>{_e(t["title"])} {_e(report.record_id)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
th{{text-align:start;padding-inline-end:1em}} td,code{{word-break:break-all}}</style></head>
<body>
<h1>{_e(t["title"])}</h1>
<table>
{table}
</table>
<h2>{_e(t["photos"])}</h2>
<ul>{"".join(photos) or f"<li>{_e(t['none'])}"}</ul>
<h2>{_e(t["decisions"])}</h2>
<ul>{"".join(decisions) or f"<li>{_e(t['none'])}"}</ul>
<p>{_e(t["verify"])}</p>
</body>
</html>
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))
