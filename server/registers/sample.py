"""A small, plausible register for the demo and the tests: camps and units around Sirte and
Jufra, the Sirte–Jufra line, a demilitarised area around Sirte, crossings such as Mitiga and
Ras Jdir, and the agreement's obligations (units back to camps, foreign fighters out within
three months). Unit names are illustrative, not claims about real formations.
"""

from datetime import date, timedelta
from typing import Any


def _point(lat: float, lon: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def _box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, north], [east, north], [east, south], [west, south], [west, north]]
    return {"type": "Polygon", "coordinates": [ring]}


CAMPS = [
    {"id": "camp-misrata", "name_en": "Misrata air college camp", "name_ar": "معسكر الكلية الجوية مصراتة",
     "side": "west", "geometry": _point(32.3250, 15.0600), "radius_m": 3000},
    {"id": "camp-yarmouk", "name_en": "Yarmouk camp, Tripoli", "name_ar": "معسكر اليرموك طرابلس",
     "side": "west", "geometry": _point(32.8000, 13.2300), "radius_m": 2000},
    {"id": "camp-jufra", "name_en": "Al Jufra air base", "name_ar": "قاعدة الجفرة الجوية",
     "side": "east", "geometry": _point(29.1980, 16.0000), "radius_m": 4000},
    {"id": "camp-ghardabiya", "name_en": "Ghardabiya air base, Sirte", "name_ar": "قاعدة القرضابية سرت",
     "side": "east", "geometry": _point(31.0630, 16.7610), "radius_m": 3000},
    {"id": "camp-rajma", "name_en": "Rajma camp, Benghazi", "name_ar": "معسكر الرجمة بنغازي",
     "side": "east", "geometry": _point(32.0700, 20.3000), "radius_m": 3000},
]
LINES_AND_AREAS = [
    # Drawn from Sirte's coast south to Jufra: its left (east) side is "beyond" for the west's forces.
    {"id": "sirte-jufra-line", "name_en": "Sirte–Jufra line", "name_ar": "خط سرت الجفرة",
     "type": "withdrawal_line", "side": "west", "beyond": "left",
     "geometry": {"type": "LineString", "coordinates": [[16.40, 31.20], [16.20, 30.20], [15.90, 29.10]]}},
    {"id": "sirte-dmz", "name_en": "Sirte demilitarised area", "name_ar": "منطقة سرت منزوعة السلاح",
     "type": "demilitarised_area", "geometry": _box(16.45, 30.95, 16.75, 31.25)},
    {"id": "aor-west", "name_en": "Western area of responsibility", "name_ar": "منطقة المسؤولية الغربية",
     "type": "area_of_responsibility", "side": "west", "geometry": _box(11.5, 29.5, 16.0, 33.3)},
    {"id": "aor-east", "name_en": "Eastern area of responsibility", "name_ar": "منطقة المسؤولية الشرقية",
     "type": "area_of_responsibility", "side": "east", "geometry": _box(15.8, 27.5, 25.0, 33.0)},
]
UNITS = [
    {"id": "unit-w1", "name_en": "West 1st Brigade", "name_ar": "اللواء الأول غرب", "side": "west",
     "type": "brigade", "home_camp": "camp-misrata", "area": "aor-west"},
    {"id": "unit-w2", "name_en": "West 2nd Brigade", "name_ar": "اللواء الثاني غرب", "side": "west",
     "type": "brigade", "home_camp": "camp-yarmouk", "area": "aor-west"},
    {"id": "unit-e7", "name_en": "East 7th Brigade", "name_ar": "اللواء السابع شرق", "side": "east",
     "type": "brigade", "home_camp": "camp-ghardabiya", "area": "aor-east"},
    {"id": "unit-e12", "name_en": "East 12th Battalion", "name_ar": "الكتيبة الثانية عشرة شرق", "side": "east",
     "type": "battalion", "home_camp": "camp-rajma", "area": "aor-east"},
]
STORAGE_SITES = [
    {"id": "site-jufra", "name_en": "Jufra heavy weapons store", "name_ar": "مخزن الأسلحة الثقيلة الجفرة",
     "side": "east", "geometry": _point(29.2100, 16.0200), "radius_m": 1500},
    {"id": "site-misrata", "name_en": "Misrata heavy weapons store", "name_ar": "مخزن الأسلحة الثقيلة مصراتة",
     "side": "west", "geometry": _point(32.3500, 15.1000), "radius_m": 1500},
]
CROSSINGS = [
    {"id": "mitiga", "name_en": "Mitiga airport", "name_ar": "مطار معيتيقة", "type": "airport",
     "geometry": _point(32.8941, 13.2760)},
    {"id": "benina", "name_en": "Benina airport", "name_ar": "مطار بنينا", "type": "airport",
     "geometry": _point(32.0968, 20.2695)},
    {"id": "ras-jdir", "name_en": "Ras Jdir border crossing", "name_ar": "منفذ رأس اجدير", "type": "border_crossing",
     "geometry": _point(33.1653, 11.5643)},
    {"id": "misrata-port", "name_en": "Misrata seaport", "name_ar": "ميناء مصراتة", "type": "seaport",
     "geometry": _point(32.3700, 15.2100)},
]


def obligations(signed_on: date) -> list[dict[str, Any]]:
    """The agreement's obligations, deadlines counted from the day it was signed."""
    three_months = (signed_on + timedelta(days=90)).isoformat()
    return [
        *(
            {"id": f"return-{u['id']}", "name_en": f"{u['name_en']} returns to its camp",
             "name_ar": f"عودة {u['name_ar']} إلى معسكره", "type": "unit_to_camp", "unit": u["id"],
             "deadline": three_months}
            for u in UNITS
        ),
        {"id": "fighters-out", "name_en": "All foreign fighters depart", "name_ar": "مغادرة جميع المقاتلين الأجانب",
         "type": "fighters_depart", "deadline": three_months, "expected": 400},
        {"id": "fighters-mitiga", "name_en": "Foreign fighters depart through Mitiga",
         "name_ar": "مغادرة المقاتلين الأجانب عبر معيتيقة", "type": "fighters_depart", "crossing": "mitiga",
         "deadline": three_months, "expected": 150},
        {"id": "tanks-jufra", "name_en": "Tanks stored at the Jufra store", "name_ar": "تخزين الدبابات في مخزن الجفرة",
         "type": "weapons_in_storage", "storage_site": "site-jufra", "weapon_type": "tank", "deadline": three_months},
    ]


def sample(signed_on: date) -> list[tuple[str, list[dict[str, Any]]]]:
    """(register, entries) in the order they can be loaded (what a unit names comes first)."""
    return [
        ("camps", CAMPS),
        ("lines_and_areas", LINES_AND_AREAS),
        ("storage_sites", STORAGE_SITES),
        ("crossings", CROSSINGS),
        ("units", UNITS),
        ("obligations", obligations(signed_on)),
    ]
