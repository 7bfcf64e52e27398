"""The words of a situation report in English and Arabic.

Kinds and field choices come from the app's own catalogues (assets/i18n: `kind.*`,
`choice.*`), so a report reads with the words the observer picked from; the report's own
headings are here.
"""

import json
from functools import cache

from sync.assets import ASSETS_DIR

LANGUAGES = ("en", "ar")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Situation report",
        "subtitle": "Ceasefire monitoring mission",
        "as_of": "Information as of {cutoff} ({zone}) on {date}",
        "period": "Period: {start} to {end} (local time)",
        "states_verified": "Verified reports only.",
        "states_pending": "Verified reports and reports still to be verified (marked “unverified”).",
        "summary": "Summary",
        "summary_text": "In the period the mission counted {reports} reports "
        "({previous} in the previous period), "
        "among them {violations} ceasefire violations ({previous_violations} in the previous period; "
        "{since_total} since {since}).",
        "summary_unverified": " {unverified} of the reports are not yet verified.",
        "by_kind": "Reports by kind",
        "violations": "Ceasefire violations by type",
        "area": "Area",
        "type": "Type",
        "this_period": "This period",
        "previous": "Previous period",
        "change": "Change",
        "since": "Since {since}",
        "reports": "Reports",
        "kind": "Kind",
        "count": "Count",
        "movements": "Unit movements and withdrawals",
        "fighters": "Foreign fighters",
        "by_crossing": "By crossing",
        "crossing": "Crossing",
        "departed": "Departed",
        "seen": "Seen (presence)",
        "weapons": "Heavy weapons in violation",
        "freedom": "Restrictions of the monitors' freedom of movement",
        "report_list": "Every report included",
        "when": "When",
        "where": "Where",
        "unit": "Unit",
        "camp": "Camp",
        "what": "What",
        "by_whom": "By whom",
        "reason": "Reason given",
        "restriction": "Restriction",
        "system": "System",
        "why": "Why",
        "id": "Report id",
        "description": "Description",
        "none": "None in the period.",
        "unverified": "unverified",
        "map": "Map annex",
        "map_caption": "Every report of the period (dots), places, and the agreement's lines and areas.",
        "signature": "Signed by the server (Ed25519). Records counted: {count}; "
        "their digest (SHA-256): {digest}. The signed JSON of this report lists every record's hash; "
        "check it with: fieldapp verify SITREP.json",
        "page": "Page {page} of {pages}",
        "listed_limit": "The first {shown} of {total} reports are listed; the JSON and CSV list all.",
        "outside": "Outside every area",
        "unspecified": "Type not stated",
        "total": "Total",
        "personnel": "personnel",
    },
    "ar": {
        "title": "تقرير الحالة",
        "subtitle": "بعثة مراقبة وقف إطلاق النار",
        "as_of": "المعلومات حتى الساعة {cutoff} ({zone}) بتاريخ {date}",
        "period": "الفترة: من {start} إلى {end} بالتوقيت المحلي",  # no brackets: fpdf2 mis-sizes the next line
        "states_verified": "التقارير المتحقق منها فقط.",
        "states_pending": "التقارير المتحقق منها والتقارير التي لم يتحقق منها بعد "
        "(مؤشر عليها «غير متحقق منه»).",
        "summary": "الملخص",
        "summary_text": "أحصت البعثة في هذه الفترة {reports} تقريرًا ({previous} في الفترة السابقة)، "
        "منها {violations} خرقًا لوقف إطلاق النار ({previous_violations} في الفترة السابقة؛ "
        "{since_total} منذ {since}).",
        "summary_unverified": " {unverified} من التقارير لم يتحقق منها بعد.",
        "by_kind": "التقارير حسب النوع",
        "violations": "خروقات وقف إطلاق النار حسب النوع",
        "area": "المنطقة",
        "type": "النوع",
        "this_period": "هذه الفترة",
        "previous": "الفترة السابقة",
        "change": "التغير",
        "since": "منذ {since}",
        "reports": "التقارير",
        "kind": "النوع",
        "count": "العدد",
        "movements": "تحركات الوحدات وانسحابها",
        "fighters": "المقاتلون الأجانب",
        "by_crossing": "حسب المنفذ",
        "crossing": "المنفذ",
        "departed": "غادروا",
        "seen": "شوهدوا (وجود)",
        "weapons": "أسلحة ثقيلة مخالفة للاتفاق",
        "freedom": "القيود على حرية حركة المراقبين",
        "report_list": "كل التقارير المشمولة",
        "when": "الوقت",
        "where": "المكان",
        "unit": "الوحدة",
        "camp": "المعسكر",
        "what": "ماذا",
        "by_whom": "من قبل",
        "reason": "السبب المعطى",
        "restriction": "القيد",
        "system": "المنظومة",
        "why": "السبب",
        "id": "رقم التقرير",
        "description": "الوصف",
        "none": "لا شيء في هذه الفترة.",
        "unverified": "غير متحقق منه",
        "map": "ملحق الخريطة",
        "map_caption": "كل تقارير الفترة (نقاط)، والأماكن، وخطوط الاتفاق ومناطقه.",
        "signature": "موقّع من الخادم (Ed25519). السجلات المحتسبة: {count}؛ بصمتها (SHA-256): {digest}. "
        "يسرد ملف JSON الموقّع لهذا التقرير بصمة كل سجل؛ للتحقق: fieldapp verify SITREP.json",
        "page": "الصفحة {page} من {pages}",
        "listed_limit": "أول {shown} من {total} تقريرًا مدرجة هنا؛ ملفا JSON وCSV يسردانها كلها.",
        "outside": "خارج كل المناطق",
        "unspecified": "نوع غير مذكور",
        "total": "المجموع",
        "personnel": "فردًا",
    },
}
RULES = {
    "en": {
        "beyond_withdrawal_line": "beyond a withdrawal line",
        "in_demilitarised_area": "in a demilitarised area",
        "outside_storage_sites": "outside every storage site",
    },
    "ar": {
        "beyond_withdrawal_line": "خارج خط الانسحاب",
        "in_demilitarised_area": "داخل منطقة منزوعة السلاح",
        "outside_storage_sites": "خارج كل مواقع التخزين",
    },
}


def ltr(language: str, value: object) -> str:
    """A date, time or signed number kept left to right inside Arabic text (a Unicode isolate:
    without it the bidirectional algorithm shows "+2" as "2+" and may swap a date and a time)."""
    return f"\u2066{value}\u2069" if language == "ar" else str(value)


def text(language: str, key: str, **values: object) -> str:
    found = TEXT.get(language, TEXT["en"]).get(key) or TEXT["en"][key]
    return found.format(**values) if values else found


@cache
def _catalogue(language: str) -> dict[str, str]:
    path = ASSETS_DIR / "i18n" / f"{language if language in LANGUAGES else 'en'}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def kind(language: str, name: str) -> str:
    return _catalogue(language).get(f"kind.{name}", name)


def choice(language: str, field: str, value: str) -> str:
    if not value:
        return ""
    if field == "type" and value == "unspecified":
        return text(language, "unspecified")
    return _catalogue(language).get(f"choice.{field}.{value}", value)


def rule(language: str, name: str) -> str:
    return RULES.get(language, RULES["en"]).get(name, name)


def entry_name(language: str, entry: dict[str, str] | None) -> str:
    if not entry:
        return ""
    return (
        (entry.get("name_ar") or entry.get("name_en") or "") if language == "ar" else entry.get("name_en", "")
    )
