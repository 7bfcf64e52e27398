"""A test device: an Ed25519 identity that makes valid, signed, chained, sealed records.

Uses only `sync/` (the protocol both ends share), never the observer app, so server and
sync tests can make envelopes without a vault:

    device = make_device(seed=1)
    device.enroll(client, code)               # challenge + signed POST /api/v1/enroll (any httpx client)
    envelopes = device.envelopes(10)           # next 10 records, sealed to the server's key
    client.post("/api/v1/submissions", json={"envelopes": envelopes}, headers=device.auth)

`device.record(**fields)` gives one valid "Record format" dict (overrides merged in);
`device.sign_next(record)` signs it as the next link of the chain and returns
`(SignedRecord, header)`; `device.seal(signed, header)` makes the wire envelope.
`seq`/`prev_hash` advance on every `sign_next`; set them to make gaps or forks.
A hostile device's bytes: `device.raw_body(record, transform)` is the JSON text of the record
as the next link (chain fields included), passed through `transform(text) -> text|bytes`;
`device.raw_envelope(body, record_id=...)` signs and seals exactly those bytes as the next link.
`device.enroll_request(code, challenge)` is the signed request body, for tests that send it themselves
(`challenge` is the JSON of `GET /api/v1/enroll/challenge`; `fetch_challenge(client)` gets one).
"""

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.crypto import b64decode, b64encode, device_id_for, sign
from sync.enrollment import signed_enroll_request
from sync.records import SignedRecord, envelope_header, seal_record, sign_record
from sync.wire import EnrollChallenge

BASE_TIME = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@dataclass
class TestDevice:
    """An observer device as the server sees it: identity, chain position, server keys."""

    __test__ = False  # not a pytest class

    private_key: Ed25519PrivateKey
    rng: random.Random
    seq: int = 0
    prev_hash: str | None = None
    credential: str | None = None
    server_seal_key: bytes | None = None
    server_sign_key: bytes | None = None
    signed: list[tuple[SignedRecord, dict[str, Any]]] = field(default_factory=list)

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes_raw()

    @property
    def public_key_b64(self) -> str:
        return b64encode(self.public_key)

    @property
    def device_id(self) -> str:
        return device_id_for(self.public_key)

    @property
    def auth(self) -> dict[str, str]:
        """Authorization header with the device credential (after enroll)."""
        assert self.credential, "enroll the device first"
        return {"Authorization": f"Bearer {self.credential}"}

    def enroll_request(
        self, code: str, challenge: dict[str, Any], label: str | None = "test device"
    ) -> dict[str, Any]:
        """The enrolment body, signed with this device's key over the server's challenge."""
        request = signed_enroll_request(
            private_key=self.private_key,
            code=code,
            challenge=EnrollChallenge.model_validate(challenge),
            label=label,
        )
        return request.model_dump()

    def enroll(
        self, client: Any, code: str, base: str = "/api/v1", *, label: str | None = "test device"
    ) -> dict[str, Any]:
        """Enrol through an httpx client (sync); keeps the credential and the server's keys."""
        body = self.enroll_request(code, fetch_challenge(client, base), label)
        response = client.post(f"{base}/enroll", json=body)
        assert response.status_code == 200, response.text
        answer = response.json()
        self.credential = answer["credential"]
        self.server_seal_key = b64decode(answer["server_seal_key"])
        self.server_sign_key = b64decode(answer["server_sign_key"])
        return answer

    def record(self, **overrides: Any) -> dict[str, Any]:
        """A valid record ("Record format") with a fresh id; keyword overrides replace keys."""
        n = self.rng.randrange(10_000)
        observed = BASE_TIME + timedelta(minutes=self.rng.randrange(0, 60 * 24))
        record: dict[str, Any] = {
            "id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "kind": "unit_movement",
            "observed_at": observed.isoformat(),
            "recorded_at": (observed + timedelta(minutes=5)).isoformat(),
            "location": {
                "lat": round(35.0 + self.rng.random() / 10, 6),
                "lon": round(36.0 + self.rng.random() / 10, 6),
                "accuracy_m": 10,
                "source": "gps",
            },
            "place": "Test village",
            "observed_by": "saw",
            "certainty": "probable",
            "description": f"convoy number {n} heading north",
            "controlling_side": None,
            "amends": None,
            "details": {
                "unit": "3rd brigade",
                "personnel": 40,
                "vehicles": {"technical": 2, "apc": 1, "tank": 0, "artillery": 0, "mlrs": 0, "truck": 6},
                "heading": "N",
                "from_place": "A",
                "to_place": "B",
                "destination_camp": None,
            },
        }
        record.update(overrides)
        return record

    def sign_next(self, record: dict[str, Any]) -> tuple[SignedRecord, dict[str, Any]]:
        """Sign `record` as the next link of this device's chain."""
        self.seq += 1
        signed = sign_record(
            record,
            device_id=self.device_id,
            seq=self.seq,
            prev_hash=self.prev_hash,
            private_key=self.private_key,
        )
        self.prev_hash = signed.hash
        header = envelope_header(record_id=record["id"], device_id=self.device_id, seq=self.seq)
        self.signed.append((signed, header))
        return signed, header

    def seal(self, signed: SignedRecord, header: dict[str, Any]) -> dict[str, Any]:
        assert self.server_seal_key, "enroll the device (or set server_seal_key) first"
        return seal_record(signed, header, self.server_seal_key)

    def raw_body(self, record: dict[str, Any], transform: Any = None) -> bytes:
        """The record as the next link's JSON text (not canonical), changed by `transform`."""
        content = {**record, "device_id": self.device_id, "seq": self.seq + 1, "prev_hash": self.prev_hash}
        text = json.dumps(content, sort_keys=True)
        changed = transform(text) if transform else text
        return changed if isinstance(changed, bytes) else changed.encode()

    def raw_envelope(self, body: bytes, *, record_id: str, seq: int | None = None) -> dict[str, Any]:
        """These exact bytes signed and sealed as the next link (or at `seq`), as a hostile device would."""
        self.seq = self.seq + 1 if seq is None else seq
        signed = SignedRecord(body=body, signature=sign(self.private_key, body))
        self.prev_hash = signed.hash
        header = envelope_header(record_id=record_id, device_id=self.device_id, seq=self.seq)
        self.signed.append((signed, header))
        return self.seal(signed, header)

    def envelopes(self, count: int, **overrides: Any) -> list[dict[str, Any]]:
        """The next `count` records, signed and sealed, as wire envelopes."""
        return [self.seal(*self.sign_next(self.record(**overrides))) for _ in range(count)]


def fetch_challenge(client: Any, base: str = "/api/v1") -> dict[str, Any]:
    """The server's enrolment challenge (what a device signs its request over)."""
    response = client.get(f"{base}/enroll/challenge")
    assert response.status_code == 200, response.text
    return response.json()


def make_device(seed: int | None = None, *, server_seal_key: bytes | None = None) -> TestDevice:
    """A new test device; with a seed its key and records are reproducible."""
    rng = random.Random(seed)
    if seed is None:
        key = Ed25519PrivateKey.generate()
    else:
        key = Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
    return TestDevice(private_key=key, rng=rng, server_seal_key=server_seal_key)
