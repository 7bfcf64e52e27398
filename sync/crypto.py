"""The few cryptographic operations FieldApp uses, as small pure functions.

- AES-256-GCM with a random 96-bit nonce prefixed to the ciphertext (at rest).
- Sealing to a public key: X25519 with a fresh ephemeral key per message,
  HKDF-SHA256 with a purpose string, AES-256-GCM; the caller's associated data
  binds a visible header to the sealed body.
- Ed25519 signatures over bytes.

Every decryption failure raises the same DecryptionError, whatever the cause.
"""

import base64
import os

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .canonical import sha256_hex
from .errors import DecryptionError, ProtocolError

NONCE_BYTES = 12
KEY_BYTES = 32
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64
SEAL_INFO = b"fieldapp/v1/envelope-seal"


def new_key() -> bytes:
    """A fresh random 256-bit symmetric key."""
    return AESGCM.generate_key(bit_length=256)


def aead_encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt with AES-256-GCM; returns nonce || ciphertext || tag."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def aead_decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Reverse aead_encrypt; any failure is the one opaque DecryptionError."""
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError, TypeError) as exc:
        raise DecryptionError() from exc


def derive_key(secret: bytes, *, info: bytes, salt: bytes | None = None) -> bytes:
    """HKDF-SHA256 to one 256-bit key; `info` names the key's single purpose."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(secret)


def seal(recipient_public: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt to an X25519 public key: ephemeral_public || nonce || ciphertext."""
    try:
        recipient = X25519PublicKey.from_public_bytes(recipient_public)
    except ValueError as exc:
        raise ProtocolError("the server's sealing key is not a valid X25519 key") from exc
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    key = derive_key(ephemeral.exchange(recipient), info=SEAL_INFO, salt=ephemeral_public + recipient_public)
    return ephemeral_public + aead_encrypt(key, plaintext, aad)


def unseal(recipient_private: X25519PrivateKey, sealed: bytes, aad: bytes) -> bytes:
    """Open what `seal` made; any failure is the one opaque DecryptionError."""
    if len(sealed) < PUBLIC_KEY_BYTES + NONCE_BYTES + 16:
        raise DecryptionError()
    ephemeral_public = sealed[:PUBLIC_KEY_BYTES]
    recipient_public = recipient_private.public_key().public_bytes_raw()
    try:
        shared = recipient_private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError as exc:  # low-order point: all-zero shared secret
        raise DecryptionError() from exc
    key = derive_key(shared, info=SEAL_INFO, salt=ephemeral_public + recipient_public)
    return aead_decrypt(key, sealed[PUBLIC_KEY_BYTES:], aad)


def sign(private_key: Ed25519PrivateKey, data: bytes) -> bytes:
    """Ed25519 signature (64 bytes) over exactly these bytes."""
    return private_key.sign(data)


def verify(public_key: bytes, data: bytes, signature: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `data` by `public_key`."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def device_id_for(public_key: bytes) -> str:
    """A device's id: the first 32 hex digits of SHA-256 of its Ed25519 public key.

    Made on the device at first start, without a server, and checkable by
    anyone who holds the public key.
    """
    return sha256_hex(public_key)[:32]


def b64encode(data: bytes) -> str:
    """Standard base64 text (the wire's encoding for bytes)."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict base64 decoding; bad input raises ProtocolError."""
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise ProtocolError("invalid base64") from exc
