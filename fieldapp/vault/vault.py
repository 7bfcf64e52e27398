"""vault.json: the wrapped data key, the KDF that wraps it, and the device identity.

Layout (docs/ARCHITECTURE.md "At rest on the device"):
    {"format": "fieldapp-vault", "v": 1,
     "kdf": {"name", <cost parameters>, "salt"},
     "wrapped_key": AES-GCM(kek, data_key, AAD "fieldapp/v1/vault"),
     "device_public_key": raw Ed25519 public key,
     "device_private_key": AES-GCM(data_key, raw private key, AAD "fieldapp/v1/device-key")}
Byte values are base64. Changing the passphrase re-wraps the data key only.
"""

import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.crypto import aead_decrypt, aead_encrypt, b64decode, b64encode, device_id_for, new_key
from sync.errors import DecryptionError, SyncError

from .errors import DeviceExists, NoDevice, VaultDamaged, WrongPassphrase
from .files import write_atomic
from .kdf import KdfParams, default_kdf, kdf_from_json, kdf_to_json, new_salt
from .keys import DeviceKeys

VAULT_FILE = "vault.json"
VAULT_FORMAT = "fieldapp-vault"
VAULT_VERSION = 1
WRAP_AAD = b"fieldapp/v1/vault"
DEVICE_KEY_AAD = b"fieldapp/v1/device-key"
# Fields older vaults kept in clear and today's drop at the next unlock: the moment the
# device was set up tells a searcher when its owner started working.
NO_LONGER_KEPT = ("created_at",)


def vault_path(data_dir: Path) -> Path:
    return Path(data_dir) / VAULT_FILE


def vault_exists(data_dir: Path) -> bool:
    return vault_path(data_dir).is_file()


def create_vault(data_dir: Path, passphrase: str, *, kdf: KdfParams | None = None) -> DeviceKeys:
    """First start: a random data key and a new Ed25519 identity, wrapped under the passphrase."""
    if vault_exists(data_dir):
        raise DeviceExists()
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    data_key = new_key()
    signing_key = Ed25519PrivateKey.generate()
    public_key = signing_key.public_key().public_bytes_raw()
    document = {
        "format": VAULT_FORMAT,
        "v": VAULT_VERSION,
        "device_id": device_id_for(public_key),
        "device_public_key": b64encode(public_key),
        "device_private_key": b64encode(
            aead_encrypt(data_key, signing_key.private_bytes_raw(), DEVICE_KEY_AAD)
        ),
    }
    _wrap_into(document, data_key, passphrase, kdf or default_kdf())
    _write(data_dir, document)
    return DeviceKeys(data_key, signing_key, device_id_for(public_key))


def unlock_vault(data_dir: Path, passphrase: str, *, kdf: KdfParams | None = None) -> DeviceKeys:
    """Unwrap the data key; `WrongPassphrase` if it does not open. Nothing is written on failure.

    When the stored KDF costs less than `kdf` (today's defaults), the key is re-wrapped with
    `kdf` and a new salt after the successful unlock.
    """
    document = _read(data_dir)
    data_key = _unwrap(document, passphrase)
    try:
        private_raw = aead_decrypt(data_key, b64decode(document["device_private_key"]), DEVICE_KEY_AAD)
        signing_key = Ed25519PrivateKey.from_private_bytes(private_raw)
        public_key = b64decode(document["device_public_key"])
    except (KeyError, TypeError, ValueError, SyncError) as exc:
        raise VaultDamaged() from exc
    if signing_key.public_key().public_bytes_raw() != public_key:
        raise VaultDamaged()
    wanted = kdf or default_kdf()
    stored, _salt = kdf_from_json(document["kdf"])
    weaker = not stored.at_least(wanted)
    if weaker:
        _wrap_into(document, data_key, passphrase, wanted)
    if weaker or any(document.pop(name, None) is not None for name in NO_LONGER_KEPT):
        _write(data_dir, document)
    return DeviceKeys(data_key, signing_key, device_id_for(public_key))


def rewrap_vault(data_dir: Path, old: str, new: str, *, kdf: KdfParams | None = None) -> None:
    """Change the passphrase: unwrap with `old`, wrap the same data key under `new`.

    The database is untouched: it is encrypted under the data key, which does not change.
    """
    document = _read(data_dir)
    data_key = _unwrap(document, old)
    _wrap_into(document, data_key, new, kdf or default_kdf())
    _write(data_dir, document)


def read_public_identity(data_dir: Path) -> tuple[str, bytes]:
    """(device id, public key) — readable without the passphrase."""
    document = _read(data_dir)
    try:
        public_key = b64decode(document["device_public_key"])
    except (KeyError, TypeError, SyncError) as exc:
        raise VaultDamaged() from exc
    return device_id_for(public_key), public_key


def _wrap_into(document: dict[str, Any], data_key: bytes, passphrase: str, kdf: KdfParams) -> None:
    salt = new_salt()
    kek = kdf.derive(passphrase, salt)
    document["kdf"] = kdf_to_json(kdf, salt)
    document["wrapped_key"] = b64encode(aead_encrypt(kek, data_key, WRAP_AAD))


def _unwrap(document: dict[str, Any], passphrase: str) -> bytes:
    params, salt = kdf_from_json(document.get("kdf"))
    try:
        wrapped = b64decode(document["wrapped_key"])
    except (KeyError, TypeError, SyncError) as exc:
        raise VaultDamaged() from exc
    kek = params.derive(passphrase, salt)
    try:
        return aead_decrypt(kek, wrapped, WRAP_AAD)
    except DecryptionError as exc:
        raise WrongPassphrase() from exc


def _read(data_dir: Path) -> dict[str, Any]:
    try:
        raw = vault_path(data_dir).read_bytes()
    except FileNotFoundError as exc:
        raise NoDevice() from exc
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise VaultDamaged() from exc
    if not isinstance(document, dict) or document.get("format") != VAULT_FORMAT:
        raise VaultDamaged()
    if document.get("v") != VAULT_VERSION:
        raise VaultDamaged("this vault was made by a newer FieldApp; update the app")
    return document


def _write(data_dir: Path, document: dict[str, Any]) -> None:
    write_atomic(vault_path(data_dir), json.dumps(document, indent=1).encode("utf-8"))
