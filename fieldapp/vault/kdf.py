"""Passphrase → key-encryption key, with a memory-hard KDF whose parameters are stored.

Argon2id (from `cryptography`, where the installed OpenSSL has it) or scrypt otherwise.
The parameters travel in vault.json beside the wrapped key, so a later release can raise
them: an unlock with weaker stored parameters than the current defaults re-wraps the key.
"""

import os
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from sync.crypto import KEY_BYTES, b64decode, b64encode

from .errors import VaultDamaged

SALT_BYTES = 16


@dataclass(frozen=True)
class Argon2idParams:
    """Argon2id cost: memory in KiB, passes, lanes."""

    memory_kib: int
    iterations: int
    lanes: int
    name: str = "argon2id"

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        kdf = Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(_passphrase_bytes(passphrase))

    def at_least(self, other: "KdfParams") -> bool:
        """True when these parameters cost no less than `other`'s."""
        if not isinstance(other, Argon2idParams):
            return True  # Argon2id is preferred to scrypt whenever it is available
        return self.memory_kib >= other.memory_kib and self.iterations >= other.iterations


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost: n (power of two), r, p."""

    n: int
    r: int
    p: int
    name: str = "scrypt"

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        return Scrypt(salt=salt, length=KEY_BYTES, n=self.n, r=self.r, p=self.p).derive(
            _passphrase_bytes(passphrase)
        )

    def at_least(self, other: "KdfParams") -> bool:
        if isinstance(other, Argon2idParams):
            return False
        return self.n * self.r >= other.n * other.r and self.p >= other.p


KdfParams = Argon2idParams | ScryptParams

# Chosen by measuring (bench/save.py prints `kdf_ms`): each guess must cost >= 100 ms on the
# 2-core development machine. The first wave's m=46 MiB t=1 cost 56 ms there; m=64 MiB t=3
# costs 150-180 ms (a phone: several times that, once per unlock). scrypt n=2^16 (64 MiB) ~170 ms.
ARGON2ID_DEFAULT = Argon2idParams(memory_kib=64 * 1024, iterations=3, lanes=1)
SCRYPT_DEFAULT = ScryptParams(n=2**16, r=8, p=1)
# Cheap parameters so tests stay fast; only ever passed explicitly, never picked up from
# the environment, so a production path can't be weakened by accident.
FAST_KDF_FOR_TESTS = ScryptParams(n=2**4, r=8, p=1)
ARGON2ID_FAST_PROBE = Argon2idParams(memory_kib=8, iterations=1, lanes=1)


@cache
def argon2id_available() -> bool:
    """Whether this build of `cryptography` (and its OpenSSL) offers Argon2id."""
    try:
        ARGON2ID_FAST_PROBE.derive("probe", bytes(SALT_BYTES))
    except Exception:  # ImportError, UnsupportedAlgorithm: fall back to scrypt
        return False
    return True


def default_kdf() -> KdfParams:
    """Today's defaults: Argon2id m=64 MiB t=3 p=1, else scrypt n=2^16 r=8 p=1."""
    return ARGON2ID_DEFAULT if argon2id_available() else SCRYPT_DEFAULT


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def kdf_to_json(params: KdfParams, salt: bytes) -> dict[str, Any]:
    return {**asdict(params), "salt": b64encode(salt)}


def kdf_from_json(data: Any) -> tuple[KdfParams, bytes]:
    """Parameters and salt from vault.json; anything unexpected is a damaged vault."""
    try:
        fields = dict(data)
        salt = b64decode(fields.pop("salt"))
        name = fields.get("name")
        if name == "argon2id":
            params: KdfParams = Argon2idParams(**fields)
        elif name == "scrypt":
            params = ScryptParams(**fields)
        else:
            raise ValueError(name)
        if len(salt) < SALT_BYTES:
            raise ValueError("salt")
    except Exception as exc:  # KeyError, TypeError, ValueError, ProtocolError
        raise VaultDamaged() from exc
    return params, salt


def _passphrase_bytes(passphrase: str) -> bytes:
    # NFC so the same passphrase typed on two keyboards derives the same key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")
