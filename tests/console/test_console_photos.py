"""A report's photos in the console, through the real app: the console's own client and
`ReportState` read what a test device uploaded with the real chunk protocol (sealed chunks,
the server's hash check), in each state a verifier can meet: arrived and verified, still
arriving, not sent at all; thumbnails, the full-size view and the download ticket."""

from __future__ import annotations

import asyncio
import hashlib
import io
from typing import Any

import pytest
from PIL import Image

from server.console.errors import ApiError, PhotoNotArrived
from server.console.state import ReportPhoto, ReportState, size_text
from server.console.state import photos as console_photos
from server.console.state import report as console_report
from sync.attachment_protocol import chunk_header, seal_chunk
from tests.console.conftest import API, World, report_at
from tests.photos.photo_files import make_jpeg, make_png
from tests.support.devices import TestDevice


def run(coro):
    return asyncio.run(coro)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry(data: bytes, name: str, mime: str) -> dict[str, Any]:
    return {"sha256": sha(data), "name": name, "size": len(data), "mime": mime}


def upload(world: World, device: TestDevice, record_id: str, data: bytes, *, upto: int | None = None) -> dict:
    """Send `data[:upto]` (all of it by default) as sealed chunks, as a device does."""
    end = len(data) if upto is None else upto
    status: dict = {}
    step = 64 * 1024
    for offset in range(0, end, step):
        chunk = data[offset : min(offset + step, end)]
        header = chunk_header(
            record_id=record_id,
            device_id=device.device_id,
            sha256=sha(data),
            offset=offset,
            length=len(chunk),
            size=len(data),
        )
        answer = world.devices_client.post(
            f"{API}/attachments/{record_id}/{sha(data)}",
            params={"offset": offset},
            content=seal_chunk(device.server_seal_key, chunk, header),
            headers=device.auth,
        )
        assert answer.status_code == 200, answer.text
        status = answer.json()
    return status


@pytest.fixture
def photographed(world):
    """One report listing three photos: a JPEG that arrived, a PNG half sent, a JPEG not sent."""
    world.make_user("vera")
    device = world.device(41)
    arrived = make_jpeg(width=640, height=480, seed=11)
    halfway = make_png(width=300, height=200, seed=12)
    missing = make_jpeg(width=200, height=150, seed=13)
    record = report_at(
        device,
        attachments=[
            entry(arrived, "crater.jpg", "image/jpeg"),
            entry(halfway, "map.png", "image/png"),
            entry(missing, "later.jpg", "image/jpeg"),
        ],
    )
    assert world.send(device, [record])[0]["status"] == "accepted"
    assert upload(world, device, record["id"], arrived)["complete"] is True
    half = upload(world, device, record["id"], halfway, upto=len(halfway) // 2)
    assert (half["received"], half["complete"]) == (len(halfway) // 2, False)
    return world, device, record, {"arrived": arrived, "halfway": halfway, "missing": missing}


def test_photo_list_states_and_thumbnails(photographed):
    world, _device, record, photos = photographed

    async def scenario():
        api = await world.console("vera")
        report = ReportState(record_id=record["id"])
        await report.load(api)
        by_name = {p.name: p for p in report.photos}
        assert [p.name for p in report.photos] == ["crater.jpg", "map.png", "later.jpg"]  # signed order

        arrived = by_name["crater.jpg"]
        assert arrived.sha256 == sha(photos["arrived"]) and arrived.size == len(photos["arrived"])
        assert (arrived.status, arrived.status_text) == ("complete", "received, hash verified")
        assert arrived.completed_at is not None and arrived.mime == "image/jpeg"

        halfway = by_name["map.png"]
        half, total = len(photos["halfway"]) // 2, len(photos["halfway"])
        assert halfway.status == "partial"
        assert halfway.status_text == f"arriving: {half:,} of {total:,} bytes"

        missing = by_name["later.jpg"]
        assert (missing.status, missing.status_text) == ("absent", "not yet received")

        # Thumbnails only for what arrived: fetched with the verifier's token, as JPEG bytes.
        assert report.thumbnails_missing == [arrived]
        await report.load_thumbnails(api)
        assert set(report.thumbnails) == {arrived.sha256}
        thumb = Image.open(io.BytesIO(report.thumbnails[arrived.sha256]))
        assert thumb.format == "JPEG" and max(thumb.size) == console_photos.THUMBNAIL_PX
        assert report.thumbnails_missing == []

        # The server refuses a thumbnail of a photo still on its way (the console never asks).
        with pytest.raises(ApiError) as early:
            await api.photo_thumbnail(record["id"], halfway.sha256)
        assert early.value.status_code == 404

    run(scenario())


def test_full_size_is_the_signed_bytes_and_only_once_complete(photographed, monkeypatch):
    world, device, record, photos = photographed

    async def scenario():
        api = await world.console("vera")
        report = ReportState(record_id=record["id"])
        await report.load(api)
        shown = await report.full_photo(api, sha(photos["arrived"]))
        assert shown.image == photos["arrived"] and shown.scaled is False

        for name in ("halfway", "missing"):
            with pytest.raises(PhotoNotArrived):
                await report.full_photo(api, sha(photos[name]))
            with pytest.raises(ApiError) as refused:  # the server says the same
                await api.photo(record["id"], sha(photos[name]))
            assert refused.value.status_code == 404
            assert "not fully arrived" in str(refused.value)

        # A photo above what the console sends inline is shown as the server's 1024 px rendering.
        with monkeypatch.context() as patched:
            patched.setattr(console_report, "FULL_SIZE_INLINE_MAX", 1000)
            preview = await report.full_photo(api, sha(photos["arrived"]))
        assert preview.scaled is True and Image.open(io.BytesIO(preview.image)).format == "JPEG"

    run(scenario())

    # The rest of the PNG arrives: the next load shows it verified and opens it.
    assert upload_rest(world, device, record["id"], photos["halfway"])["complete"] is True

    async def after():
        api = await world.console("vera")
        report = ReportState(record_id=record["id"])
        await report.load(api)
        png = report.photo(sha(photos["halfway"]))
        assert png.status_text == "received, hash verified"
        shown = await report.full_photo(api, png.sha256)
        assert shown.image == photos["halfway"]

    run(after())


def upload_rest(world: World, device: TestDevice, record_id: str, data: bytes) -> dict:
    held = world.devices_client.get(f"{API}/attachments/{record_id}/{sha(data)}", headers=device.auth).json()[
        "received"
    ]
    chunk = data[held:]
    header = chunk_header(
        record_id=record_id,
        device_id=device.device_id,
        sha256=sha(data),
        offset=held,
        length=len(chunk),
        size=len(data),
    )
    answer = world.devices_client.post(
        f"{API}/attachments/{record_id}/{sha(data)}",
        params={"offset": held},
        content=seal_chunk(device.server_seal_key, chunk, header),
        headers=device.auth,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_photo_download_through_a_single_use_ticket(photographed):
    world, _device, record, photos = photographed
    store = world.app.state.console.tickets

    async def scenario():
        api = await world.console("vera")
        http = world.http()
        digest = sha(photos["arrived"])
        ticket = store.issue_photo(token=api.user.token, record_id=record["id"], sha256=digest)
        assert api.user.token not in ticket and digest not in ticket
        answer = await http.get(f"/console/download/{ticket}")
        assert answer.status_code == 200
        assert answer.content == photos["arrived"]  # byte for byte as signed
        assert answer.headers["content-type"] == "image/jpeg"
        assert answer.headers["content-disposition"] == f'attachment; filename="{digest}.jpg"'
        assert answer.headers["cache-control"] == "no-store"
        assert (await http.get(f"/console/download/{ticket}")).status_code == 410  # spent

        early = store.issue_photo(token=api.user.token, record_id=record["id"], sha256=sha(photos["missing"]))
        refused = await http.get(f"/console/download/{early}")
        assert refused.status_code == 404 and "not fully arrived" in refused.text

        stale = store.issue_photo(token="not-a-token", record_id=record["id"], sha256=digest)
        assert (await http.get(f"/console/download/{stale}")).status_code == 401

        with pytest.raises(ValueError):
            store.issue_photo(token=api.user.token, record_id="../../exports/csv", sha256=digest)
        with pytest.raises(ValueError):
            store.issue_photo(token=api.user.token, record_id=record["id"], sha256="ab" * 31)

    run(scenario())


def test_a_report_without_photos_and_one_the_server_cannot_preview(world):
    world.make_user("vera")
    device = world.device(42)
    plain = report_at(device)
    # Bytes that hash right but are no image Pillow can read: the server keeps them (the hash
    # is what it checks), makes no thumbnail, and the console still lists and serves them.
    odd = b"\xff\xd8\xff" + bytes(range(256)) * 40
    listed = report_at(device, minutes=5, attachments=[entry(odd, "odd.jpg", "image/jpeg")])
    world.send(device, [plain, listed])
    upload(world, device, listed["id"], odd)

    async def scenario():
        api = await world.console("vera")
        empty = ReportState(record_id=plain["id"])
        await empty.load(api)
        assert empty.photos == [] and empty.thumbnails_missing == []

        report = ReportState(record_id=listed["id"])
        await report.load(api)
        (photo,) = report.photos
        assert photo.status_text == "received, hash verified"
        await report.load_thumbnails(api)
        assert report.thumbnails == {photo.sha256: None}  # "no preview", not an error
        assert (await report.full_photo(api, photo.sha256)).image == odd

    run(scenario())


def test_size_and_status_wording():
    assert size_text(812) == "812 bytes"
    assert size_text(48_213) == "48 KB (48,213 bytes)"
    assert size_text(5_203_114) == "5.2 MB (5,203,114 bytes)"
    photo = ReportPhoto(sha256="a" * 64, name="x.jpg", size=2_000_000, mime="image/jpeg", received=524_288)
    assert photo.status_text == "arriving: 524,288 of 2,000,000 bytes"
    assert ReportPhoto.from_api({"sha256": "b" * 64, "name": "y", "size": 3, "mime": "image/png"}).status == (
        "absent"
    )
