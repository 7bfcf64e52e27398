"""The evidence tests' server: three chained reports, one with photos and decisions."""

import hashlib
from datetime import UTC, datetime

import pytest

from server.models import ReportAttachment
from server.settings import sqlite_url
from server.storage import attachment_store_for
from tests.server.conftest import API, running_harness

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8  # a JPEG's first bytes, then anything
ABSENT = hashlib.sha256(b"never uploaded").hexdigest()


@pytest.fixture
def made(tmp_path):
    """A server with three chained reports of one device; the middle one has a photo that
    arrived, one that did not, and two decisions. Yields (harness, record id, package bytes)."""
    with running_harness(sqlite_url(tmp_path / "data" / "server.db"), tmp_path) as harness:
        admin = harness.make_user("root", "admin")
        verifier = harness.make_user("vera", "verifier")
        device = harness.device(admin, seed=11)
        photos = [
            {
                "sha256": hashlib.sha256(PHOTO).hexdigest(),
                "name": "a.jpg",
                "size": len(PHOTO),
                "mime": "image/jpeg",
            },
            {"sha256": ABSENT, "name": "b.jpg", "size": 14, "mime": "image/jpeg"},
        ]
        first = device.envelopes(1)
        middle = device.envelopes(1, attachments=photos, description="تقرير عربي — convoy")
        harness.submit(device, first + middle + device.envelopes(1))
        record_id = middle[0]["header"]["record_id"]
        _photo_arrived(harness, record_id, device.device_id, photos[0])
        for state, reason in (("needs_info", "which road? أي طريق؟"), ("verified", "seen by two teams")):
            harness.clock.advance(minutes=5)
            body = {"state": state, "reason": reason}
            answer = harness.client.post(f"{API}/reports/{record_id}/decision", json=body, headers=verifier)
            assert answer.status_code == 200, answer.text
        answer = harness.client.get(f"{API}/reports/{record_id}/evidence", headers=verifier)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/zip"
        yield harness, record_id, answer.content


def _photo_arrived(harness, record_id, device_id, photo):
    """The server's state once the upload finished (the upload protocol has its own tests)."""
    store = attachment_store_for(harness.settings)
    store.write_part("p", 0, PHOTO)
    store.commit_part("p", photo["sha256"])
    now = datetime(2026, 3, 2, 12, 1, tzinfo=UTC)
    with harness.ctx.transaction() as session:
        session.add(
            ReportAttachment(
                record_id=record_id, sha256=photo["sha256"], device_id=device_id, size=len(PHOTO),
                mime="image/jpeg", received=len(PHOTO), complete=True, started_at=now, completed_at=now,
            )
        )  # fmt: skip
