"""The package's human-readable summary, in English and Arabic (right to left): what it says.

Everything shown comes from the package's own files (the signed record, the receipt, the
log's head and the audit trail). `summary_content` says it once; the HTML is rendered here
(every value escaped), the PDF by `summary_pdf`. The summary is a reading aid: what counts
is what `fieldapp verify` checks, and each summary's own hash is in the manifest.
"""

import html
from dataclasses import dataclass

from sync.canonical import sha256_hex
from sync.crypto import b64decode
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


@dataclass(frozen=True)
class SummaryContent:
    """What both summaries (HTML and PDF) show, in one language, as plain text."""

    language: str
    title: str
    record_id: str
    rows: list[tuple[str, str]]
    photos_heading: str
    photos: list[str]
    decisions_heading: str
    decisions: list[str]
    none: str
    verify: str

    @property
    def right_to_left(self) -> bool:
        return self.language == "ar"


def summary_content(facts: EvidenceFacts, language: str) -> SummaryContent:
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
        (t["fingerprint"], sha256_hex(b64decode(device.public_key))),
        (t["enrolled"], format_time(device.enrolled_at)),
        (t["seq"], report.seq),
        (t["body_hash"], report.body_hash),
        (t["received"], format_time(report.received_at)),
        (t["log"], t["leaf"].format(index=record_leaf.leaf_index, size=facts.head.tree_size)),
        (t["root"], facts.head.root_hash),
    ]
    return SummaryContent(
        language=language,
        title=t["title"],
        record_id=report.record_id,
        rows=[(name, _text(value)) for name, value in rows],
        photos_heading=t["photos"],
        photos=[
            f"{photo.sha256} {photo.name}" + ("" if data else f" ({t['missing']})")
            for photo, data in facts.photos
        ],
        decisions_heading=t["decisions"],
        decisions=[
            f"{format_time(e.at)} · {e.actor} · {e.from_state} → {e.to_state}"
            + (f" · {e.reason}" if e.reason else "")
            for e in facts.events
        ],
        none=t["none"],
        verify=t["verify"],
    )


def render_html(content: SummaryContent) -> str:
    direction = "rtl" if content.right_to_left else "ltr"
    table = "\n".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in content.rows)
    photos = "".join(f"<li>{_e(item)}" for item in content.photos) or f"<li>{_e(content.none)}"
    decisions = "".join(f"<li>{_e(item)}" for item in content.decisions) or f"<li>{_e(content.none)}"
    return f"""<!doctype html>
<html lang="{content.language}" dir="{direction}">
<head><meta charset="utf-8"><title>{_e(content.title)} {_e(content.record_id)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
th{{text-align:start;padding-inline-end:1em}} td,li{{word-break:break-all}}</style></head>
<body>
<h1>{_e(content.title)}</h1>
<table>
{table}
</table>
<h2>{_e(content.photos_heading)}</h2>
<ul>{photos}</ul>
<h2>{_e(content.decisions_heading)}</h2>
<ul>{decisions}</ul>
<p>{_e(content.verify)}</p>
</body>
</html>
"""


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _e(value: str) -> str:
    return html.escape(value)
