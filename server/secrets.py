"""Passwords, bearer tokens and one-time codes: how they are made, stored and compared.

Passwords: scrypt (stdlib hashlib; no compiled extra needed), parameters stored with the hash.
Tokens and codes: random, shown once, stored as SHA-256 (they are long and random, so a
fast hash is enough), looked up by hash and compared with hmac.compare_digest.
"""

import base64
import hashlib
import hmac
import secrets

SCRYPT_R = 8
SCRYPT_P = 1
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4  # 12 symbols of 32: 60 bits, for a one-use code that expires


def hash_password(password: str, *, n: int) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or (int(r), int(p)) != (SCRYPT_R, SCRYPT_P):
            return False
        candidate = _scrypt(password, _unb64(salt), int(n))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, _unb64(digest))


def burn_password_time(password: str, *, n: int) -> None:
    """Spend a password check's time when there is no user, so timing does not reveal names."""
    _scrypt(password, b"\0" * 16, n)


def _scrypt(password: str, salt: bytes, n: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, maxmem=256 * 1024 * 1024, dklen=32
    )


def new_token() -> str:
    """A bearer credential or session token: 32 random bytes, base64url without padding."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))


def new_enrollment_code() -> str:
    """A one-time code like `K7QD-M2XP-9HRT`."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(symbols[i : i + CODE_GROUP_LENGTH] for i in range(0, len(symbols), CODE_GROUP_LENGTH))


def enrollment_code_hash(code: str) -> str:
    """Hash of the code as typed, ignoring case, spaces and dashes."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
