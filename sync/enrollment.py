"""Proof of possession at enrolment: the device signs its request with its own Ed25519 key.

A device id and public key are not secrets (the public key sits in clear in the device's
vault file), so the enrolment request must prove that the sender holds the private key.
The device signs a purpose-labelled message binding the one-time code, its id and key,
and the server: the server's signing key and a fresh challenge nonce the server handed
out. A request made for one server, code or challenge verifies nowhere else.
"""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .canonical import canonical_bytes
from .crypto import b64decode, b64encode, device_id_for, sign, verify
from .errors import ProtocolError
from .wire import EnrollChallenge, EnrollRequest

ENROLL_PURPOSE = b"fieldapp/v1/enroll\0"


def enrollment_message(
    *, code: str, device_id: str, public_key: str, server_sign_key: str, nonce: str
) -> bytes:
    """The exact bytes a device signs to enrol (all values as they travel, base64 as text)."""
    fields = {
        "code": code,
        "device_id": device_id,
        "public_key": public_key,
        "server_sign_key": server_sign_key,
        "nonce": nonce,
    }
    return ENROLL_PURPOSE + canonical_bytes(fields)


def signed_enroll_request(
    *,
    private_key: Ed25519PrivateKey,
    code: str,
    challenge: EnrollChallenge,
    label: str | None = None,
) -> EnrollRequest:
    """The enrolment request for this server's challenge, signed with the device's key."""
    public_key = private_key.public_key().public_bytes_raw()
    device_id = device_id_for(public_key)
    public_b64 = b64encode(public_key)
    message = enrollment_message(
        code=code,
        device_id=device_id,
        public_key=public_b64,
        server_sign_key=challenge.server_sign_key,
        nonce=challenge.nonce,
    )
    return EnrollRequest(
        code=code,
        device_id=device_id,
        public_key=public_b64,
        nonce=challenge.nonce,
        signature=b64encode(sign(private_key, message)),
        label=label,
    )


def enrollment_signature_valid(request: EnrollRequest, *, server_sign_key: str) -> bool:
    """True when the request is signed by the key it presents, for this server and its nonce."""
    try:
        public_key, signature = b64decode(request.public_key), b64decode(request.signature)
    except ProtocolError:
        return False
    message = enrollment_message(
        code=request.code,
        device_id=request.device_id,
        public_key=request.public_key,
        server_sign_key=server_sign_key,
        nonce=request.nonce,
    )
    return verify(public_key, message, signature)
