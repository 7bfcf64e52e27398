"""The device's register store: higher versions replace lower ones, a page applied twice
changes nothing, another server's registers are never mixed in, nothing in clear at rest."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.crypto import b64encode
from sync.registers import RegisterEntry, RegisterItem, sign_entry
from tests.support.registers import give_registers


def _item(key, cursor: int, **values) -> tuple[RegisterEntry, RegisterItem]:
    entry = RegisterEntry.model_validate({"register_name": "crossings", "type": "airport",
                                          "geometry": {"type": "Point", "coordinates": [13.27, 32.89]}, **values})
    body, signature = sign_entry(key, entry)
    return entry, RegisterItem(cursor=cursor, body=b64encode(body), signature=b64encode(signature))


def test_versions_replace_upwards_only_and_the_cursor_never_goes_back(device):
    key = give_registers(device, {"crossings": []})
    store = device.registers
    store.apply_register_items([_item(key, 5, id="mitiga", version=2, name_en="Mitiga airport")], 5)
    store.apply_register_items([_item(key, 3, id="mitiga", version=1, name_en="Mitiga (old name)")], 3)
    [held] = store.entries("crossings")
    assert (held.version, held.name_en) == (2, "Mitiga airport") and store.register_cursor() == 5
    store.apply_register_items([_item(key, 6, id="mitiga", version=3, name_en="Mitiga", retired=True)], 6)
    assert store.entries("crossings") == [] and store.entries("crossings", include_retired=True)[0].retired


def test_another_servers_registers_are_dropped_not_mixed(device):
    give_registers(device)
    assert device.registers.entries("camps") and device.registers.register_cursor() > 0
    other = Ed25519PrivateKey.generate()  # enrolled with another server: its signing key replaces the old
    device.sync_settings.set(server_sign_key=b64encode(other.public_key().public_bytes_raw()))
    assert device.registers.entries() == [] and device.registers.register_cursor() == 0
    device.registers.apply_register_items([_item(other, 1, id="benina", version=1, name_en="Benina airport")], 1)
    assert [e.id for e in device.registers.entries()] == ["benina"]


def test_registers_are_encrypted_at_rest(device, session):
    give_registers(device)
    path = session.data_dir / "fieldapp.db"
    device.lock()
    raw = b"".join(p.read_bytes() for p in path.parent.glob("fieldapp.db*"))
    assert b"Jufra" not in raw and b"camp-jufra" not in raw and "معيتيقة".encode() not in raw
