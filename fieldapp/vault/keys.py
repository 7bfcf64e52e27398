"""The keys of an unlocked device, in one small object that can be cleared."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.crypto import aead_decrypt, aead_encrypt

from .errors import Locked


class DeviceKeys:
    """The data key and the device's signing key while the device is unlocked.

    `clear()` zeroes the data key's buffer and drops every reference. Python may still
    hold copies elsewhere (the cryptography backend, freed memory); this is best effort,
    and what locking guarantees is that this process no longer uses them.
    """

    def __init__(self, data_key: bytes, signing_key: Ed25519PrivateKey, device_id: str) -> None:
        self._data_key: bytearray | None = bytearray(data_key)
        self._signing_key: Ed25519PrivateKey | None = signing_key
        self.device_id = device_id
        self.public_key = signing_key.public_key().public_bytes_raw()

    @property
    def data_key(self) -> bytes:
        if self._data_key is None:
            raise Locked()
        return bytes(self._data_key)

    @property
    def signing_key(self) -> Ed25519PrivateKey:
        if self._signing_key is None:
            raise Locked()
        return self._signing_key

    @property
    def locked(self) -> bool:
        return self._data_key is None

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        """AES-256-GCM under the data key (nonce || ciphertext || tag)."""
        return aead_encrypt(self.data_key, plaintext, aad)

    def decrypt(self, blob: bytes, aad: bytes) -> bytes:
        """Reverse `encrypt`; any failure is sync.errors.DecryptionError."""
        return aead_decrypt(self.data_key, blob, aad)

    def clear(self) -> None:
        if self._data_key is not None:
            for i in range(len(self._data_key)):
                self._data_key[i] = 0
        self._data_key = None
        self._signing_key = None
