"""The observer's day in a real browser on a phone-sized screen, one step per test (in order):
set up → three reports offline → enrol and sync → a verifier's question → lock → Arabic."""

import hashlib
import io
import time

import httpx
import pytest

from tests.browser.conftest import PHONE
from tests.support.live_server import create_enrollment_code, create_user, live_server

pytestmark = pytest.mark.browser

PASSPHRASE = "tinned peaches at dawn"
VERIFIER = ("vera", "a long verifier password")
QUESTION = "Which unit fired? Please add the calibre."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("server")
    create_user(data_dir, *VERIFIER, "verifier")
    with live_server(data_dir) as base_url:
        yield data_dir, base_url


def test_first_run_refuses_a_weak_passphrase_then_sets_one(phone):
    phone.wait("setup-passphrase", timeout=60_000)
    phone.screenshot("app-01-setup")
    phone.type("setup-passphrase", "password1")
    phone.tap("setup-create")
    assert "at least 10 characters" in phone.wait_text("setup-error", "10")
    phone.type("setup-passphrase", PASSPHRASE)
    phone.type("setup-confirm", PASSPHRASE)
    phone.tap("setup-create")
    phone.wait("enroll-later")
    phone.screenshot("app-02-enrol")
    phone.tap("enroll-later")
    phone.wait("new-observation")


def new_report(phone, kind):
    phone.tap("new-observation")
    phone.tap(f"kind-{kind}")
    phone.wait("form-save")


def finalize(phone):
    phone.tap("form-finalize")
    phone.tap("finalize-confirm-ok")
    phone.wait("new-observation")


def test_three_reports_recorded_offline_wait_under_pending(phone):
    # 1. a ceasefire violation, typed coordinates; first with mistakes shown beside the fields
    new_report(phone, "violation")
    phone.type("form-lat", "95")
    phone.type("form-lon", "16.58")
    phone.type("form-description", "Shelling heard north of the coastal road")
    phone.choose("form-observed-by", "Heard it")
    phone.choose("form-certainty", "Probable")
    phone.type("detail-count", "three")
    phone.tap("form-finalize")
    phone.wait_text("form-error", "correct the fields")
    phone.screenshot("app-03-form-errors")
    phone.type("detail-count", "3")
    phone.tap("form-finalize")
    # the model's verdicts: latitude out of range, the violation's type missing
    phone.wait_text("form-error", "correct the fields")
    phone.type("form-lat", "31.21")
    phone.choose("form-details-type", "Shelling")
    finalize(phone)

    # 2. a unit movement, located from the offline place list
    new_report(phone, "unit_movement")
    phone.tap("loc-place")
    phone.type("place-search", "sirt")
    phone.tap("place-sirte")
    phone.wait_value("form-place", "Sirte")
    phone.type("form-description", "Column of technicals heading east")
    phone.choose("form-observed-by", "Saw it")
    phone.choose("form-certainty", "Confirmed")
    phone.type("detail-unit", "Brigade 166")
    phone.type("detail-vehicles-technical", "12")
    phone.screenshot("app-04-form")
    finalize(phone)

    # 3. a restriction of movement, located by MGRS
    new_report(phone, "movement_restriction")
    phone.tap("loc-mgrs")
    phone.type("form-mgrs", "33R VQ 45000 50000")
    phone.type("form-place", "Checkpoint 400 km south")
    phone.type("form-description", "Patrol denied passage at checkpoint")
    phone.choose("form-observed-by", "Saw it")
    phone.choose("form-certainty", "Confirmed")
    phone.choose("form-details-restriction", "Denial")
    finalize(phone)

    phone.select_tab("pending")
    phone.wait_text("tab-pending", "3")
    for text in ("Shelling heard", "Column of technicals", "Patrol denied"):
        phone.showing(text).wait_for(timeout=10_000)
    phone.screenshot("app-05-home-pending")


def test_enrol_with_a_real_server_and_sync_moves_them_to_sent(phone, server):
    data_dir, base_url = server
    code = create_enrollment_code(data_dir)
    phone.tap("open-settings")
    phone.wait_text("settings-server-status", "Not enrolled")
    phone.screenshot("app-06-settings")
    phone.tap("settings-enroll")
    phone.type("enroll-server", base_url)
    phone.type("enroll-code", code)
    phone.tap("enroll-submit")
    phone.wait("new-observation")
    phone.select_tab("sent")
    phone.wait_text("tab-sent", "3", timeout=60)
    phone.wait_text("tab-pending", "0")
    phone.wait_text("sync-status", "0 pending")
    phone.screenshot("app-07-home-sent")


def photo_jpeg(colour):
    """A one-colour JPEG (its thumbnail is easy to recognise on screen) with EXIF time and GPS."""
    from PIL import Image

    from tests.photos.photo_files import exif_block

    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, "JPEG", quality=90, exif=exif_block())
    return out.getvalue()


def pick_file(phone, name, mime, data):
    """Tap "Add photo" and answer the browser's file chooser (the input the Flutter web
    client creates and clicks)."""
    with phone.page.expect_file_chooser(timeout=30_000) as chooser:
        phone.tap("photo-add")
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": data}])


def thumbnail_colour(phone, identifier):
    """The colour in the middle of a drawn thumbnail (read from a screenshot of its box)."""
    from PIL import Image

    phone.reveal(identifier)
    time.sleep(0.5)  # let the scroll settle and the decoded image reach the canvas
    box = phone.box(identifier)
    shot = Image.open(io.BytesIO(phone.page.screenshot(clip=box))).convert("RGB")
    return shot.getpixel((shot.width // 2, shot.height // 2))


def near(colour, expected, tolerance=24):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def test_photos_attached_through_the_file_picker_are_signed_sent_and_shown(phone, server):
    red, blue = (200, 40, 40), (40, 70, 200)
    first, second = photo_jpeg(red), photo_png(blue)
    first_hash, second_hash = (hashlib.sha256(d).hexdigest()[:12] for d in (first, second))
    new_report(phone, "other")

    # not a photo: refused with its reason, nothing added
    pick_file(phone, "notes.jpg", "image/jpeg", b"these are notes, not a photo")
    phone.wait_text("photo-notice", "notes.jpg is not a JPEG or PNG photo")

    # the form can't be saved yet: the photo waits on it, with its hash and thumbnail
    pick_file(phone, "crater.jpg", "image/jpeg", first)
    phone.wait_text("photo-notice", "stored when the draft can be saved")
    phone.wait_text(f"photo-hash-{first_hash}", first_hash)
    assert near(thumbnail_colour(phone, f"photo-thumb-{first_hash}"), red)
    # the photo's EXIF time and place, offered and taken
    phone.wait_text("photo-offer-text", "2025-05-01")
    phone.reveal("photo-use-hints")
    phone.screenshot("app-15-form-photo-offer")
    phone.tap("photo-use-hints")
    phone.wait_value("form-lat", "31.21")
    phone.type("form-description", "Crater beside the coastal road")
    phone.choose("form-observed-by", "Saw it")
    phone.choose("form-certainty", "Confirmed")

    # now the form is complete: the draft is saved first, and both photos stored with it
    pick_file(phone, "map.png", "image/png", second)
    phone.wait_text("photo-notice", "The draft was saved first")
    phone.wait_text(f"photo-hash-{second_hash}", second_hash)
    phone.wait(f"photo-remove-{first_hash}")
    assert near(thumbnail_colour(phone, f"photo-thumb-{second_hash}"), blue)
    phone.screenshot("app-16-form-photos")
    finalize(phone)

    # sync runs after finalizing (enrolled): the report, then its photos
    phone.select_tab("sent")
    phone.showing("Crater beside").wait_for(timeout=60_000)
    phone.showing("Crater beside").click()
    phone.wait("detail-photos")
    phone.wait_text("detail-photos-state", "All photos sent (2)", timeout=90)
    phone.wait_text(f"photo-hash-{first_hash}", first_hash)
    # the "queued" / "sent" snackbars may still float over the photos: let them go first
    for toast in ("Report queued for sending", "Report sent"):
        phone.page.get_by_text(toast).first.wait_for(state="detached", timeout=30_000)
    phone.reveal(f"photo-thumb-{second_hash}")
    phone.screenshot("app-17-detail-photos")
    assert near(thumbnail_colour(phone, f"photo-thumb-{first_hash}"), red)
    phone.tap("detail-back")
    phone.wait("new-observation")

    # the server holds both, complete, under the hashes taken when they were picked
    _data_dir, base_url = server
    api = f"{base_url}/api/v1"
    headers = verifier_headers(api)
    [report] = httpx.get(f"{api}/reports", params={"kind": "other"}, headers=headers).json()["items"]
    held = httpx.get(f"{api}/reports/{report['record_id']}/attachments", headers=headers).json()
    expected = [
        (hashlib.sha256(data).hexdigest(), name, True)
        for data, name in ((first, "crater.jpg"), (second, "map.png"))
    ]
    assert sorted((p["sha256"], p["name"], p["complete"]) for p in held) == sorted(expected)


def verifier_headers(api):
    token = httpx.post(f"{api}/auth/login", json=dict(zip(("username", "password"), VERIFIER, strict=True)))
    token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['token']}"}


def photo_png(colour):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 400), colour).save(out, "PNG")
    return out.getvalue()


def test_a_verifiers_question_reaches_the_app(phone, server):
    _data_dir, base_url = server
    api = f"{base_url}/api/v1"
    token = httpx.post(f"{api}/auth/login", json=dict(zip(("username", "password"), VERIFIER, strict=True)))
    token.raise_for_status()
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    reports = httpx.get(f"{api}/reports", params={"kind": "violation"}, headers=headers).json()["items"]
    assert len(reports) == 1
    decided = httpx.post(
        f"{api}/reports/{reports[0]['record_id']}/decision",
        json={"state": "needs_info", "reason": QUESTION},
        headers=headers,
    )
    assert decided.status_code == 200, decided.text

    phone.tap("sync-now")
    phone.select_tab("reviewed")
    phone.wait_text("tab-reviewed", "1", timeout=60)
    phone.tap(f"record-{reports[0]['record_id']}")
    phone.wait_text("detail-state", "Needs info")
    assert QUESTION in phone.text("detail-message")
    phone.wait("detail-history")
    phone.screenshot("app-08-detail-question")
    # amend opens a new report prefilled from this one
    phone.tap("detail-amend")
    phone.wait_text("screen-title", "Amend")
    assert phone.value("form-description").startswith("Shelling")
    # the amendment's location from the (browser's) GPS
    phone.tap("loc-gps")
    phone.tap("gps-fix")
    phone.wait_text("form-mgrs-hint", "MGRS: 33R XQ 5")  # drawn from the fix's coordinates
    phone.tap("form-back")
    phone.wait("new-observation")


def test_lock_and_unlock(phone):
    phone.tap("lock-now")
    phone.wait("unlock-passphrase")
    phone.type("unlock-passphrase", "not the passphrase")
    phone.tap("unlock-submit")
    phone.wait_text("unlock-error", "Wrong passphrase")
    phone.wait_text("unlock-failed-count", "1")
    phone.screenshot("app-09-unlock-wrong")
    phone.type("unlock-passphrase", PASSPHRASE)
    phone.tap("unlock-submit")
    phone.wait("new-observation")


def test_arabic_switches_text_and_layout_to_right_to_left(phone):
    width = phone.page.viewport_size["width"]
    title = phone.box("screen-title")
    assert title["x"] < width / 4  # left-to-right: the title starts at the left
    phone.tap("open-settings")
    phone.tap("lang-ar")
    phone.wait_text("screen-title", "الإعدادات")
    back = phone.box("settings-back")
    assert back["x"] > width / 2  # the back arrow moved to the right
    phone.screenshot("app-10-settings-arabic")
    phone.tap("settings-back")
    phone.wait_text("screen-title", "المشاهدات")
    title = phone.box("screen-title")
    assert title["x"] + title["width"] > width * 3 / 4  # the title ends at the right
    assert phone.box("lock-now")["x"] < width / 2  # the actions moved to the left
    phone.select_tab("reviewed")
    phone.screenshot("app-11-home-arabic")
    phone.tap("new-observation")
    phone.wait("kind-violation")
    phone.tap("kind-violation")
    phone.wait("form-save")
    phone.screenshot("app-12-form-arabic")


def test_larger_phone_and_desktop_widths_keep_everything_on_screen(phone):
    phone.tap("form-back")
    phone.wait("new-observation")
    for width, height, name in (
        (390, 844, "app-13-home-arabic-390x844"),
        (1280, 800, "app-14-home-arabic-desktop"),
    ):
        phone.page.set_viewport_size({"width": width, "height": height})
        phone.wait_text("screen-title", "المشاهدات")
        time.sleep(0.5)  # let the new layout settle before measuring
        for identifier in (
            "screen-title",
            "sync-now",
            "tab-drafts",
            "tab-reviewed",
            "new-observation",
            "lock-now",
        ):
            box = phone.box(identifier)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, identifier
            assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, identifier
        for identifier in ("sync-now", "tab-sent", "new-observation", "lock-now", "open-settings"):
            assert phone.box(identifier)["height"] >= 48, identifier  # touch targets
        phone.screenshot(name)
    phone.page.set_viewport_size(PHONE)
