"""Registers on a device without a server: entries signed by a key the device is told is its
server's, stored through the same path a sync takes (for app and browser tests)."""

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.crypto import b64encode
from sync.registers import RegisterEntry, RegisterItem, sign_entry

CAMPS = [
    {"id": "camp-jufra", "name_en": "Al Jufra air base", "name_ar": "قاعدة الجفرة الجوية",
     "geometry": {"type": "Point", "coordinates": [16.0, 29.198]}},
    {"id": "camp-ghardabiya", "name_en": "Ghardabiya air base", "name_ar": "قاعدة القرضابية",
     "geometry": {"type": "Point", "coordinates": [16.761, 31.063]}},
    {"id": "camp-misrata", "name_en": "Misrata air college camp", "name_ar": "معسكر الكلية الجوية مصراتة",
     "geometry": {"type": "Point", "coordinates": [15.06, 32.325]}},
    {"id": "camp-old", "name_en": "Old Jufra depot", "name_ar": "", "retired": True,
     "geometry": {"type": "Point", "coordinates": [16.01, 29.2]}},
]
UNITS = [
    {"id": "unit-e7", "name_en": "East 7th Brigade", "name_ar": "اللواء السابع شرق", "home_camp": "camp-ghardabiya"},
    {"id": "unit-w1", "name_en": "West 1st Brigade", "name_ar": "اللواء الأول غرب", "home_camp": "camp-misrata"},
]
CROSSINGS = [
    {"id": "mitiga", "name_en": "Mitiga airport", "name_ar": "مطار معيتيقة", "type": "airport",
     "geometry": {"type": "Point", "coordinates": [13.276, 32.8941]}},
]


def give_registers(device: Any, entries: dict[str, list[dict[str, Any]]] | None = None) -> Ed25519PrivateKey:
    """Store `entries` (register -> entries, version 1) on an unlocked device; returns the key."""
    key = Ed25519PrivateKey.generate()
    device.sync_settings.set(server_sign_key=b64encode(key.public_key().public_bytes_raw()))
    items = []
    chosen = entries or {"camps": CAMPS, "units": UNITS, "crossings": CROSSINGS}
    cursor = 0
    for register, rows in chosen.items():
        for row in rows:
            cursor += 1
            entry = RegisterEntry.model_validate({"version": 1, **row, "register_name": register})
            body, signature = sign_entry(key, entry)
            items.append((entry, RegisterItem(cursor=cursor, body=b64encode(body), signature=b64encode(signature))))
    device.registers.apply_register_items(items, cursor)
    return key
