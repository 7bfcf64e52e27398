"""The server's own key pairs, made on first start in the data dir.

X25519 opens the envelopes devices seal to the server; Ed25519 signs the server's
receipts. Private keys are raw 32-byte files readable by the owner only (0600), written
atomically without ever overwriting (two processes starting at once agree on one key).
Key material is never logged.
"""

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.crypto import b64encode
from sync.private_files import private_dir

from .errors import ConfigurationError

SEAL_KEY_FILE = "seal_x25519.key"
SIGN_KEY_FILE = "sign_ed25519.key"


@dataclass(frozen=True)
class ServerKeys:
    """The server's private keys and the public halves it hands to devices."""

    seal_private: X25519PrivateKey
    sign_private: Ed25519PrivateKey

    @property
    def seal_public_b64(self) -> str:
        return b64encode(self.seal_private.public_key().public_bytes_raw())

    @property
    def sign_public_b64(self) -> str:
        return b64encode(self.sign_private.public_key().public_bytes_raw())

    def __repr__(self) -> str:  # never print key material
        return "ServerKeys(<private>)"


def load_or_create_keys(data_dir: Path) -> ServerKeys:
    """Read the key files, making any that are missing."""
    key_dir = private_dir(data_dir / "keys")
    seal_raw = _load_or_create(key_dir / SEAL_KEY_FILE, _new_x25519)
    sign_raw = _load_or_create(key_dir / SIGN_KEY_FILE, _new_ed25519)
    return ServerKeys(
        seal_private=X25519PrivateKey.from_private_bytes(seal_raw),
        sign_private=Ed25519PrivateKey.from_private_bytes(sign_raw),
    )


def _new_x25519() -> bytes:
    return X25519PrivateKey.generate().private_bytes_raw()


def _new_ed25519() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes_raw()


def _load_or_create(path: Path, make) -> bytes:
    if not path.exists():
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            if hasattr(os, "fchmod"):  # the umask may have narrowed it; never widened
                os.fchmod(fd, 0o600)
            os.write(fd, make())
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):  # another process won the race: use its key
            os.link(temp, path)
        temp.unlink()
    raw = path.read_bytes()
    if len(raw) != 32:
        raise ConfigurationError(f"the server key file is damaged: {path}")
    return raw
