"""Photos from the observer's device to the verifier, through a real server on loopback:
a 5 MB upload cut at ~40% resumes where the server stopped; a damaged chunk is refused and
sent again; a photo that doesn't match its signed hash is refused and discarded; only the
record's own device may upload, only photos the signed record lists; verifiers read the
photo (and a thumbnail) byte for byte; the zip export holds the GeoJSON and the photos."""

import dataclasses
import hashlib
import io
import json
import os
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fieldapp.cli.observer import format_table
from fieldapp.services import create_device, upload_photos
from fieldapp.services.enrollment import enroll_device
from fieldapp.services.syncing import run_sync
from fieldapp.vault import FAST_KDF_FOR_TESTS
from sync.attachment_protocol import UPLOAD_CHUNK_BYTES, PendingPhoto, chunk_header, seal_chunk
from sync.attachments import AttachmentClient, PhotoUploader
from sync.retry import RetryPolicy
from tests.support.devices import make_device
from tests.support.live_server import (
    REPO_ROOT,
    create_enrollment_code,
    create_user,
    live_server,
    server_command,
)

from .conftest import PASSPHRASE, all_file_bytes, observation
from .cutting_proxy import CuttingProxy
from .photo_files import MARKER, distinctive_run, make_big_jpeg, make_jpeg

API = "/api/v1"
ADMIN_EXPORT_ZIP = server_command("admin", "export", "--format", "zip")
NO_WAIT = {"sleep": lambda _seconds: None, "retry": RetryPolicy(attempts=3)}


@dataclasses.dataclass
class Server:
    data_dir: Path
    url: str
    verifier: dict[str, str]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("server")
    with live_server(data_dir) as url:
        create_user(data_dir, "vera", "a long password", "verifier")
        login = httpx.post(f"{url}{API}/auth/login", json={"username": "vera", "password": "a long password"})
        yield Server(data_dir, url, {"Authorization": f"Bearer {login.json()['token']}"})


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def enrolled(data_dir: Path, server: Server):
    device = create_device(data_dir, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
    enroll_device(device, server.url, create_enrollment_code(server.data_dir))
    return device


def sent_with_photos(device, photos: list[bytes]) -> str:
    """A finalized record with these photos, pushed to the server by the real sync run
    (records only: each test sends the photos its own way)."""
    record_id = device.record_with_photos(observation(), photos, finalize=True)
    report = run_sync(device, with_photos=False)
    assert report.status == "done", report.error
    assert device.get(record_id).state in ("sent", "received")  # the pull may already say received
    return record_id


def device_status(server: Server, device, record_id: str, sha256: str) -> dict:
    credential = device.sync_settings.get("device_credential")
    answer = httpx.get(
        f"{server.url}{API}/attachments/{record_id}/{sha256}",
        headers={"Authorization": f"Bearer {credential}"},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def stored_on_server(server: Server, sha256: str) -> bytes:
    return (server.data_dir / "attachments" / "photos" / sha256[:2] / sha256).read_bytes()


def test_a_5mb_photo_cut_at_40_percent_resumes_and_arrives_unchanged(tmp_path, server):
    photo = make_big_jpeg()
    assert 4.8e6 < len(photo) < 5.8e6 and MARKER in photo
    with enrolled(tmp_path / "device", server) as device:
        record_id = sent_with_photos(device, [photo])
        assert device.photos_pending(record_id) == 1  # the list shows "sent, photos pending"
        table = format_table(device.list_page().items, photos_pending=device.photos_pending_counts())
        assert f"{device.get(record_id).state}, photos pending" in table

        with CuttingProxy(server.port) as proxy:
            device.sync_settings.set(server_url=proxy.url)
            proxy.cut_after = int(len(photo) * 0.4)
            first = upload_photos(device, **NO_WAIT)
            assert proxy.cuts == 1
            assert first.status == "offline" and first.still_pending == 1, first
            held = device_status(server, device, record_id, sha(photo))
            assert not held["complete"]
            assert 0.3 * len(photo) <= held["received"] <= 0.4 * len(photo)
            assert held["received"] % UPLOAD_CHUNK_BYTES == 0
            assert device.photos(record_id)[0].upload_state == "uploading"
            assert device.photos_pending(record_id) == 1

            proxy.go_online()
            second = upload_photos(device, **NO_WAIT)
        assert second.status == "done" and second.uploaded == 1, second
        assert second.bytes_sent == len(photo) - held["received"]  # resumed, nothing sent twice
        assert device.photos_pending(record_id) == 0
        assert "photos pending" not in format_table(
            device.list_page().items, photos_pending=device.photos_pending_counts()
        )
        assert device.photos(record_id)[0].upload_state == "done"
        assert upload_photos(device).to_dict()["photos"] == []  # nothing left to send

        assert sha(stored_on_server(server, sha(photo))) == sha(photo)
        answer = httpx.get(
            f"{server.url}{API}/reports/{record_id}/attachments/{sha(photo)}", headers=server.verifier
        )
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "image/jpeg"
        assert answer.content == photo
        listed = httpx.get(
            f"{server.url}{API}/reports/{record_id}/attachments", headers=server.verifier
        ).json()
        assert [(p["sha256"], p["complete"], p["received"]) for p in listed] == [
            (sha(photo), True, len(photo))
        ]

        # Through all of it, the device's data dir never held the image in clear.
        runs = [distinctive_run(photo), distinctive_run(photo[len(photo) // 3 :])]
        for path, data in all_file_bytes(tmp_path / "device"):
            assert MARKER not in data, path
            assert all(run not in data for run in runs), path


def test_a_damaged_chunk_is_refused_and_sent_again(tmp_path, server):
    photo = make_jpeg(width=900, height=700, seed=5)  # ~0.7 MB: three chunks
    with enrolled(tmp_path / "device", server) as device:
        record_id = sent_with_photos(device, [photo])
        with CuttingProxy(server.port) as proxy:
            device.sync_settings.set(server_url=proxy.url)
            proxy.corrupt_request = 2
            report = upload_photos(device, **NO_WAIT)
            assert proxy.corrupted == 1
        assert report.status == "done" and report.uploaded == 1, report
        assert report.chunks_resent == 1
        assert report.bytes_sent == len(photo) + UPLOAD_CHUNK_BYTES  # the second chunk went twice
        assert stored_on_server(server, sha(photo)) == photo
        assert device.photos_pending(record_id) == 0


class MemorySource:
    """A PhotoSource holding bytes in memory (to send something other than what was signed)."""

    def __init__(self, record_id: str, signed_sha: str, data: bytes) -> None:
        self.pending = [PendingPhoto(record_id, signed_sha, len(data))]
        self.data = data
        self.marks: list[tuple[str, str | None]] = []

    def pending_photos(self):
        return list(self.pending)

    def read_photo_range(self, record_id, sha256, offset, length):
        return self.data[offset : offset + length]

    def mark_photo(self, record_id, sha256, state, *, error=None):
        self.marks.append((state, error))


@pytest.fixture
def test_device(server):
    device = make_device(seed=int.from_bytes(os.urandom(4), "big"))
    with httpx.Client(base_url=server.url) as client:
        device.enroll(client, create_enrollment_code(server.data_dir))
    return device


def submit(server: Server, device, record: dict) -> None:
    envelope = device.seal(*device.sign_next(record))
    answer = httpx.post(f"{server.url}{API}/submissions", json={"envelopes": [envelope]}, headers=device.auth)
    assert answer.json()["results"][0]["status"] == "accepted", answer.text


def photo_entry(data: bytes) -> dict:
    return {"sha256": sha(data), "name": "p.jpg", "size": len(data), "mime": "image/jpeg"}


def test_a_photo_that_does_not_match_its_signed_hash_is_refused_and_discarded(server, test_device):
    real = make_jpeg(width=700, height=500, seed=9)
    forged = bytearray(real)
    forged[len(forged) // 2] ^= 0xFF
    record = test_device.record(attachments=[photo_entry(real)])
    submit(server, test_device, record)
    with httpx.Client() as http:
        client = AttachmentClient(http, base_url=server.url, credential=test_device.credential)
        uploader = PhotoUploader(
            client, device_id=test_device.device_id, server_seal_key=test_device.server_seal_key
        )
        source = MemorySource(record["id"], sha(real), bytes(forged))
        report = uploader.run(source)
        assert report.refused == 1 and report.status == "done"
        reason = report.outcomes[0].reason
        assert "does not match the SHA-256 signed in its record" in reason
        assert source.marks[-1] == ("pending", reason)
        status = client.status(record["id"], sha(real))
        assert (status.received, status.complete) == (0, False)
        assert not list((server.data_dir / "attachments" / "partial").glob(f"{record['id']}*"))
        assert not (server.data_dir / "attachments" / "photos" / sha(real)[:2] / sha(real)).exists()
        # The real photo then goes through.
        assert uploader.run(MemorySource(record["id"], sha(real), real)).uploaded == 1
        assert client.status(record["id"], sha(real)).complete


def test_only_the_records_device_and_only_signed_photos(server, test_device):
    photo = make_jpeg(seed=13)
    record = test_device.record(attachments=[photo_entry(photo)])
    submit(server, test_device, record)
    other = make_device(seed=int.from_bytes(os.urandom(4), "big"))
    base = f"{server.url}{API}/attachments/{record['id']}"
    with httpx.Client() as http:
        other.enroll(httpx.Client(base_url=server.url), create_enrollment_code(server.data_dir))

        def post(offset: int, body: bytes, who=test_device, photo_sha: str = sha(photo)):
            return http.post(f"{base}/{photo_sha}", params={"offset": offset}, content=body, headers=who.auth)

        def sealed(offset: int, chunk: bytes, size: int = len(photo)) -> bytes:
            header = chunk_header(
                record_id=record["id"],
                device_id=test_device.device_id,
                sha256=sha(photo),
                offset=offset,
                length=len(chunk),
                size=size,
            )
            return seal_chunk(test_device.server_seal_key, chunk, header)

        assert http.get(f"{base}/{sha(photo)}", headers=other.auth).status_code == 404
        assert post(0, sealed(0, photo[:100]), who=other).status_code == 404
        unlisted = http.get(f"{base}/{'b' * 64}", headers=test_device.auth)
        assert unlisted.status_code == 404 and "does not list this photo" in unlisted.json()["detail"]
        assert http.get(f"{base}/{sha(photo)}").status_code == 401
        assert http.get(f"{base}/{sha(photo)}", headers=server.verifier).status_code == 403
        bad_sha = http.get(f"{base}/NOTAHASH", headers=test_device.auth)
        assert bad_sha.status_code == 422

        garbage = post(0, b"x" * 500)
        assert garbage.status_code == 400 and "send it again" in garbage.json()["detail"]
        assert post(0, b"").status_code == 400
        # sealed for offset 0 but sent as offset 0 with the wrong size claimed: does not open
        assert post(0, sealed(0, photo[:100], size=len(photo) + 1)).status_code == 400
        assert post(0, sealed(0, photo[:100])).json()["received"] == 100
        moved = post(0, sealed(0, photo[:100]))
        assert moved.status_code == 409 and "holds 100 bytes" in moved.json()["detail"]
        # a chunk sealed for offset 100 replayed at another offset does not open
        replay = sealed(100, photo[100:200])
        assert post(100, replay).json()["received"] == 200
        too_long = post(200, sealed(200, photo[200:] + b"extra"))
        assert too_long.status_code == 413 and "past the photo's signed size" in too_long.json()["detail"]
        early = http.get(
            f"{server.url}{API}/reports/{record['id']}/attachments/{sha(photo)}", headers=server.verifier
        )
        assert early.status_code == 404 and "not fully arrived" in early.json()["detail"]
        done = post(200, sealed(200, photo[200:]))
        assert done.json()["complete"] is True
        assert post(200, sealed(200, photo[200:])).json()["complete"] is True  # a late resend is harmless

        thumb = http.get(
            f"{server.url}{API}/reports/{record['id']}/attachments/{sha(photo)}/thumbnail",
            params={"px": 64},
            headers=server.verifier,
        )
        from PIL import Image

        with Image.open(io.BytesIO(thumb.content)) as image:
            assert image.format == "JPEG" and max(image.size) == 64


def test_zip_export_holds_the_geojson_and_each_photo_under_its_hash(tmp_path, server, test_device):
    photo = make_jpeg(seed=17)
    pending = make_jpeg(seed=18)
    record = test_device.record(
        attachments=[photo_entry(photo), {**photo_entry(pending), "name": "later.jpg"}]
    )
    submit(server, test_device, record)
    with httpx.Client() as http:
        client = AttachmentClient(http, base_url=server.url, credential=test_device.credential)
        uploader = PhotoUploader(
            client, device_id=test_device.device_id, server_seal_key=test_device.server_seal_key
        )
        assert uploader.run(MemorySource(record["id"], sha(photo), photo)).uploaded == 1

    out = tmp_path / "export.zip"
    env = {**os.environ, "FIELDAPP_DATABASE_URL": ""}
    done = subprocess.run(
        [*ADMIN_EXPORT_ZIP, "--out", str(out), "--data-dir", str(server.data_dir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert {"reports.geojson", "photos.csv", f"photos/{sha(photo)}.jpg"} <= names
        assert f"photos/{sha(pending)}.jpg" not in names
        assert archive.read(f"photos/{sha(photo)}.jpg") == photo
        collection = json.loads(archive.read("reports.geojson"))
        feature = next(f for f in collection["features"] if f["id"] == record["id"])
        assert feature["properties"]["photos"] == f"photos/{sha(photo)}.jpg"
        manifest = archive.read("photos.csv").decode("utf-8-sig").splitlines()
        assert f"{record['id']},{sha(pending)},,later.jpg,image/jpeg,{len(pending)},pending" in manifest

    no_out = subprocess.run(
        [*ADMIN_EXPORT_ZIP, "--data-dir", str(server.data_dir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert no_out.returncode == 1 and no_out.stderr.strip() == "error: a zip export needs --out FILE"

    api = httpx.get(f"{server.url}{API}/exports/zip", headers=server.verifier, timeout=60)
    assert api.status_code == 200 and api.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(api.content)) as archive:
        assert archive.read(f"photos/{sha(photo)}.jpg") == photo


def test_a_sync_run_sends_the_photos_after_their_record(server: Server, tmp_path: Path) -> None:
    device = enrolled(tmp_path / "device", server)
    photo = make_jpeg(seed=41)
    record_id = device.record_with_photos(observation(), [photo], finalize=True)
    assert device.photos_pending(record_id) == 1

    report = run_sync(device)

    assert report.status == "done", report.error
    assert report.photos is not None and report.photos["uploaded"] == 1
    assert device.photos_pending(record_id) == 0
    fetched = httpx.get(
        f"{server.url}{API}/reports/{record_id}/attachments/{sha(photo)}", headers=server.verifier
    )
    assert fetched.status_code == 200 and fetched.content == photo
