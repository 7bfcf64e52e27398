"""The server's photo protocol on SQLite and PostgreSQL (in-process app, a fresh schema per
test; in CI PostgreSQL must be there): chunks in order, a wrong final hash resets the row
and discards the part, a concurrent pair of requests for one offset stores it once."""

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.models import ReportAttachment
from sync.attachment_protocol import chunk_header, seal_chunk
from tests.server.conftest import backends, running_harness
from tests.server.pg import fresh_schema

from .photo_files import make_jpeg

API = "/api/v1"


@pytest.fixture(params=backends())
def harness(request, tmp_path: Path) -> Iterator:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'server.db'}"
        with running_harness(url, tmp_path) as running:
            yield running
    else:
        with fresh_schema() as url, running_harness(url, tmp_path) as running:
            yield running


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_chunks_hash_check_and_races(harness):
    admin = harness.make_user("root", "admin")
    device = harness.device(admin, seed=3)
    photo = make_jpeg(seed=4)
    entry = {"sha256": sha(photo), "name": "p.jpg", "size": len(photo), "mime": "image/jpeg"}
    record = device.record(attachments=[entry])
    assert harness.submit(device, [device.seal(*device.sign_next(record))])[0]["status"] == "accepted"
    url = f"{API}/attachments/{record['id']}/{sha(photo)}"

    def send(data: bytes, offset: int, length: int):
        chunk = data[offset : offset + length]
        header = chunk_header(
            record_id=record["id"],
            device_id=device.device_id,
            sha256=sha(photo),
            offset=offset,
            length=len(chunk),
            size=len(photo),
        )
        body = seal_chunk(device.server_seal_key, chunk, header)
        return harness.client.post(url, params={"offset": offset}, content=body, headers=device.auth)

    half = len(photo) // 2
    # Two requests race for the same first chunk: one stores it, the other hears 409 (or, if it
    # came second after the first committed, also 409): the server holds the chunk once.
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(send(photo, 0, half))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert harness.client.get(url, headers=device.auth).json()["received"] == half

    forged = photo[:half] + bytes([photo[half] ^ 1]) + photo[half + 1 :]
    refused = send(forged, half, len(photo))
    assert refused.status_code == 422 and "upload was discarded" in refused.json()["detail"]
    status = harness.client.get(url, headers=device.auth).json()
    assert (status["received"], status["complete"]) == (0, False)
    assert not list((harness.settings.data_dir / "attachments" / "partial").iterdir())

    assert send(photo, 0, half).status_code == 200
    done = send(photo, half, len(photo)).json()
    assert done["complete"] is True and done["received"] == len(photo)
    with harness.ctx.transaction() as session:
        row = session.get(ReportAttachment, (record["id"], sha(photo)))
        assert row.complete and row.completed_at is not None
    verifier = harness.make_user("vera", "verifier")
    got = harness.client.get(f"{API}/reports/{record['id']}/attachments/{sha(photo)}", headers=verifier)
    assert got.content == photo
