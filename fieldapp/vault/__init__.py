"""The device's key vault: passphrase KDF, wrapped data key, Ed25519 identity, panic wipe."""

from .errors import DeviceExists, Locked, NoDevice, VaultDamaged, VaultError, WrongPassphrase
from .files import write_atomic
from .kdf import (
    ARGON2ID_DEFAULT,
    FAST_KDF_FOR_TESTS,
    SCRYPT_DEFAULT,
    Argon2idParams,
    KdfParams,
    ScryptParams,
    argon2id_available,
    default_kdf,
)
from .keys import DeviceKeys
from .vault import (
    VAULT_FILE,
    create_vault,
    read_public_identity,
    rewrap_vault,
    unlock_vault,
    vault_exists,
    vault_path,
)
from .wipe import ATTACHMENTS_DIR, CLEAR_SETTINGS_FILE, DATABASE_FILE, wipe_data_dir

__all__ = [
    "ARGON2ID_DEFAULT",
    "ATTACHMENTS_DIR",
    "CLEAR_SETTINGS_FILE",
    "DATABASE_FILE",
    "FAST_KDF_FOR_TESTS",
    "SCRYPT_DEFAULT",
    "VAULT_FILE",
    "Argon2idParams",
    "DeviceExists",
    "DeviceKeys",
    "KdfParams",
    "Locked",
    "NoDevice",
    "ScryptParams",
    "VaultDamaged",
    "VaultError",
    "WrongPassphrase",
    "argon2id_available",
    "create_vault",
    "default_kdf",
    "read_public_identity",
    "rewrap_vault",
    "unlock_vault",
    "vault_exists",
    "vault_path",
    "wipe_data_dir",
    "write_atomic",
]
