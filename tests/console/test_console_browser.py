"""The console in a real browser: Debian Chromium driven by Playwright, against a real
`fieldapp serve` on loopback (console mounted at /console), with an observer device driven
through the command line.

Covers sign-in, a report's photo (sent with the observer's report, shown with its thumbnail
and "hash verified", opened full size, downloaded), deciding a report, that decision reaching
the observer's device through sync, revoking a device, and an export download; it also
writes the screenshots in docs/screenshots/console-*.png.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.console.conftest import HERE, PASSWORD, T0, report_at
from tests.photos.photo_files import make_jpeg
from tests.support.devices import TestDevice, make_device
from tests.support.live_server import REPO_ROOT, create_enrollment_code, create_user, live_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
PASSPHRASE = "observer passphrase for tests"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(
            "/usr/bin/chromium is missing: the browser suite must run in CI (apt-get install chromium)"
        )
    pytest.skip(
        "/usr/bin/chromium is missing (apt-get install chromium); browser tests need Debian's Chromium"
    )


# -- the server, the observer device and the browser ----------------------------------------


@dataclass
class Stage:
    url: str
    data_dir: Path
    observer_dir: Path
    observer_record: str
    neighbours: list[str] = field(default_factory=list)
    spare: TestDevice | None = None
    photo: bytes = b""  # attached to the observer's report, sent by `fieldapp sync`


def fieldapp(*args: str, data_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """The observer's command line, passphrase from the environment (never an argument)."""
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args, "--data-dir", str(data_dir)],
        cwd=REPO_ROOT,
        env={**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def fieldapp_with_input(*args: str, data_dir: Path, text: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args, "--data-dir", str(data_dir)],
        cwd=REPO_ROOT,
        env={**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        input=text,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def stage(tmp_path_factory) -> Iterator[Stage]:
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("server")
    create_user(data_dir, "vera", PASSWORD, "verifier")
    create_user(data_dir, "ada", PASSWORD, "admin")
    with live_server(data_dir, console=True) as url:
        # The observer: a device driven through the command line, one finalized report.
        observer_dir = tmp_path_factory.mktemp("observer")
        ok(fieldapp("init", data_dir=observer_dir))
        observation = {
            "kind": "unit_movement",
            "observed_at": T0.isoformat(),
            "location": {"lat": HERE[0], "lon": HERE[1], "accuracy_m": 12, "source": "gps"},
            "place": "Misrata, coastal road",
            "observed_by": "saw",
            "certainty": "confirmed",
            "description": "Column of 12 vehicles heading west on the coastal road",
            "controlling_side": None,
            "amends": None,
            "details": {
                "unit": "166th battalion",
                "personnel": 60,
                "vehicles": {"technical": 6, "apc": 2, "tank": 0, "artillery": 0, "mlrs": 0, "truck": 4},
                "heading": "W",
                "from_place": "Misrata",
                "to_place": "Zliten",
                "destination_camp": None,
            },
        }
        photo = make_jpeg(width=800, height=600, seed=5)
        photo_path = observer_dir / "column.jpg"
        photo_path.write_bytes(photo)
        printed = ok(
            fieldapp_with_input(
                *("record", "--json", "-", "--finalize", "--attach", str(photo_path)),
                data_dir=observer_dir,
                text=json.dumps(observation),
            )
        )
        record_id = printed.split()[0]
        ok(
            fieldapp(
                "enroll",
                *("--server", url, "--code", create_enrollment_code(data_dir), "--label", "team 1 phone"),
                data_dir=observer_dir,
            )
        )
        ok(fieldapp("sync", data_dir=observer_dir))

        # Other devices' reports close in place and time: corroboration candidates.
        with httpx.Client(base_url=url, timeout=10) as client:
            neighbours = []
            for seed, (minutes, north_km, kind) in enumerate(
                [(40, 2.5, "withdrawal"), (-75, -4.0, "unit_movement"), (150, 6.5, "heavy_weapons")], start=21
            ):
                device = _enrolled(client, data_dir, seed, f"team {seed - 19} phone")
                record = report_at(device, minutes=minutes, north_km=north_km, kind=kind)
                record["place"] = "Misrata"
                if kind == "withdrawal":
                    record["details"] = {
                        "unit": "166th battalion",
                        "camp": "Camp 7",
                        "completeness": "partial",
                    }
                if kind == "heavy_weapons":
                    record["details"] = {
                        "system": "BM-21",
                        "calibre_mm": 122,
                        "count": 2,
                        "firing_position": False,
                    }
                _send(client, device, [record])
                neighbours.append(record["id"])
            spare = _enrolled(client, data_dir, 30, "spare phone")
            _send(client, spare, [report_at(spare, minutes=60 * 24 * 3, north_km=80)])
            _elsewhere(client, data_dir)
        yield Stage(url, data_dir, observer_dir, record_id, neighbours, spare, photo)


def _enrolled(client: httpx.Client, data_dir: Path, seed: int, label: str) -> TestDevice:
    device = make_device(seed)
    device.enroll(client, create_enrollment_code(data_dir), label=label)
    return device


def _elsewhere(client: httpx.Client, data_dir: Path) -> None:
    """Reports far from Misrata (never corroboration candidates there), two of them decided,
    and one device with a gap in its chain: so the queue, counts and admin page look lived-in."""
    places = {"Sirte": (31.2089, 16.5887), "Tripoli": (32.8872, 13.1913), "Sabha": (27.0377, 14.4283)}
    sirte, tripoli = (
        _enrolled(client, data_dir, 40, "team 9 phone"),
        _enrolled(client, data_dir, 41, "team 11 phone"),
    )
    made = []
    for device, place, minutes, kind, details in (
        (sirte, "Sirte", 200, "violation", {"type": "shelling", "count": 4, "direction": "S"}),
        (sirte, "Sirte", 260, "heavy_weapons", {"system": "T-72", "count": 3, "firing_position": True}),
        (
            tripoli,
            "Tripoli",
            320,
            "movement_restriction",
            {"restriction": "denial", "by_whom": "checkpoint 27"},
        ),
        (
            tripoli,
            "Sabha",
            900,
            "foreign_fighters",
            {"activity": "departure", "estimated_number": 40, "means": "air"},
        ),
    ):
        lat, lon = places[place]
        record = report_at(device, minutes=minutes, kind=kind, place=place)
        record["location"] = {"lat": lat, "lon": lon, "accuracy_m": 25, "source": "gps"}
        record["details"] = details
        if device is sirte and kind == "heavy_weapons":
            device.seq += 1  # one record lost on the way: the server shows a gap before this one
        _send(client, device, [record])
        made.append(record["id"])
    token = client.post("/api/v1/auth/login", json={"username": "vera", "password": PASSWORD}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    for record_id, state, reason in (
        (made[0], "verified", "Matches two other teams' reports"),
        (made[3], "rejected", "Second-hand account, no date"),
    ):
        answer = client.post(
            f"/api/v1/reports/{record_id}/decision", json={"state": state, "reason": reason}, headers=auth
        )
        assert answer.status_code == 200, answer.text


def _send(client: httpx.Client, device: TestDevice, records: list[dict]) -> None:
    envelopes = [device.seal(*device.sign_next(record)) for record in records]
    answer = client.post("/api/v1/submissions", json={"envelopes": envelopes}, headers=device.auth)
    assert answer.status_code == 200 and {r["status"] for r in answer.json()["results"]} == {"accepted"}, (
        answer.text
    )


@pytest.fixture(scope="module")
def browser(stage):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)

    def only_loopback(route):
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


# -- helpers ---------------------------------------------------------------------------------


def ui(page, identifier: str):
    return page.locator(f'[flt-semantics-identifier="{identifier}"]')


def type_into(page, identifier: str, text: str) -> None:
    """Type into a Flutter text field; retype if a busy machine dropped keys (checked on the
    DOM input, which mirrors Flutter's editing state)."""
    field = ui(page, identifier).locator("input, textarea").first
    for _ in range(5):
        field.click()
        # On a loaded machine the first page's first click can land before Flutter focuses
        # the field; keys typed then go nowhere. Wait for the focus, then type.
        focused = time.monotonic() + 3
        while time.monotonic() < focused and not field.evaluate("e => e === document.activeElement"):
            time.sleep(0.1)
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(text)
        if field.input_value() == text:
            return
        time.sleep(0.3)
    raise AssertionError(f"could not type into {identifier!r}: got {field.input_value()!r}")


def wait_text(page, identifier: str, text: str, *, timeout: float = 60.0) -> None:
    """Wait until the control shows `text`: as its own text, or as the label Flutter gives a
    group of texts (the accessibility tree puts a row's texts in its aria-label)."""
    node = ui(page, identifier)
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        if node.count():
            try:  # the node can be redrawn between the count and the read: look again
                seen = node.first.evaluate(
                    "e => (e.getAttribute('aria-label') || '') + '\\n' + e.innerText", timeout=2_000
                )
            except PlaywrightTimeout:
                continue
            if text in seen:
                return
        time.sleep(0.2)
    raise AssertionError(f"{identifier!r} never showed {text!r}; last seen: {seen!r}")


def sign_in(page, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/console")
    # Flutter's accessibility tree comes on with a click on its placeholder. On a loaded machine
    # the placeholder can be there before the engine listens, and that click is lost: click
    # again until the sign-in form is in the tree.
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
    deadline = time.monotonic() + 90
    while True:
        placeholder = page.locator("flt-semantics-placeholder")
        if placeholder.count():  # gone once the tree is on
            placeholder.dispatch_event("click")
        try:
            ui(page, "login-username").first.wait_for(state="attached", timeout=10_000)
            break
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
    type_into(page, "login-username", username)
    type_into(page, "login-password", password)
    ui(page, "login-submit").click()


def settle(page, *, seconds: float = 8.0) -> bytes:
    """A screenshot once two in a row are identical (skwasm can show a stale frame)."""
    previous = page.screenshot()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.6)
        current = page.screenshot()
        if current == previous:
            return current
        previous = current
    return previous


def save_screenshot(page, name: str) -> None:
    """Into docs/screenshots with FIELDAPP_UPDATE_SCREENSHOTS=1; otherwise only taken (and
    checked to be a PNG), so an ordinary test run leaves the tracked files alone."""
    image = settle(page)
    assert image.startswith(b"\x89PNG")
    if os.environ.get("FIELDAPP_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / name).write_bytes(image)


# -- the tests -------------------------------------------------------------------------------


def test_sign_in_refuses_a_wrong_password_then_shows_the_queue(stage, page):
    sign_in(page, stage.url, "vera", "wrong password")
    wait_text(page, "login-error", "Wrong user name or password")
    type_into(page, "login-password", PASSWORD)
    ui(page, "login-submit").click()
    wait_text(page, "queue-range", "oldest first")
    assert "vera (verifier)" in ui(page, "signed-in-as").inner_text()
    ui(page, f"queue-row-{stage.observer_record}").wait_for()
    assert ui(page, "nav-admin").count() == 0  # a verifier has no administration screen
    save_screenshot(page, "console-queue.png")


def drawn_colours(page, identifier: str, *, enough: int = 1000, timeout: float = 20.0) -> int:
    """How many distinct colours the canvas shows where the control is (a photo of noise:
    thousands; a placeholder or an error text: a few dozen). Cropped from a settled page
    screenshot: an element screenshot scrolls first and can catch Flutter mid-redraw."""
    from PIL import Image

    node = ui(page, identifier)
    node.scroll_into_view_if_needed()
    deadline = time.monotonic() + timeout
    colours = 0
    while time.monotonic() < deadline:
        shot = Image.open(io.BytesIO(settle(page, seconds=4))).convert("RGB")
        box = node.bounding_box()
        if box:
            area = (box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"])
            colours = len(shot.crop(tuple(round(v) for v in area)).getcolors(maxcolors=1 << 20) or [])
            if colours >= enough:
                break
    return colours


def test_report_shows_its_photo_verified_opens_it_and_downloads_it(stage, page):
    digest = hashlib.sha256(stage.photo).hexdigest()
    sign_in(page, stage.url, "vera")
    ui(page, f"open-{stage.observer_record}").click()
    wait_text(page, f"photo-{digest}", "column.jpg")
    wait_text(page, f"photo-status-{digest}", "received, hash verified")
    wait_text(page, f"photo-sha-{digest}", digest)  # the SHA-256 signed by the device
    wait_text(page, "photos-note", "checking the whole file against that signed SHA-256")
    assert drawn_colours(page, f"photo-thumb-{digest}") >= 1000  # the photo, not a placeholder

    ui(page, f"photo-open-{digest}").click()
    wait_text(page, "photo-dialog-note", "these bytes hash to the SHA-256 the device signed")
    assert drawn_colours(page, "photo-dialog-image") >= 1000
    with page.expect_download() as download_info:
        ui(page, "photo-dialog-download").click()
    download = download_info.value
    assert download.suggested_filename == f"{digest}.jpg"
    assert Path(download.path()).read_bytes() == stage.photo  # byte for byte as signed
    assert "/console/download/" in download.url and digest not in download.url
    assert httpx.get(download.url, timeout=10).status_code == 410  # the ticket was single use
    wait_text(page, f"photo-status-{digest}", "hash verified")  # still on the report


def test_decision_reaches_the_observer_device_through_sync(stage, page):
    sign_in(page, stage.url, "vera")
    ui(page, f"open-{stage.observer_record}").click()
    wait_text(page, "report-state", "received")
    wait_text(page, "field-description", "Column of 12 vehicles")
    wait_text(page, "signature-status", "valid")
    wait_text(page, "chain-status", "valid")
    for neighbour in stage.neighbours:  # the other devices' reports nearby, listed beside the map
        ui(page, f"candidate-{neighbour}").wait_for()
    wait_text(page, f"candidate-{stage.neighbours[1]}", "4.0 km · −1.2 h")  # observed 75 min before
    save_screenshot(page, "console-report.png")

    ui(page, "lock-take").click()
    wait_text(page, "lock-status", "Locked by you")
    ui(page, "decide-needs_info").click()  # no question typed: refused beside the field
    page.get_by_text("A question for the observer is required").wait_for()
    wait_text(page, "report-state", "received")  # nothing was decided

    question = "Which direction exactly, and were the technicals armed?"
    type_into(page, "decision-reason", question)
    ui(page, "decide-needs_info").click()
    wait_text(page, "message", "Decision recorded: needs info")
    wait_text(page, "report-state", "needs info")
    wait_text(page, "audit-trail", question)

    # The observer's device learns it at its next sync.
    ok(fieldapp("sync", data_dir=stage.observer_dir))
    shown = json.loads(ok(fieldapp("show", stage.observer_record, "--json", data_dir=stage.observer_dir)))
    assert shown["state"] == "needs_info"
    assert question in json.dumps(shown)


def test_admin_revokes_a_device_and_its_next_submission_is_refused(stage, page):
    spare = stage.spare
    assert spare is not None
    sign_in(page, stage.url, "ada")
    ui(page, "nav-admin").click()
    ui(page, "code-create").click()
    code = ui(page, "code-text").inner_text().strip()
    assert len(code) >= 8
    ui(page, "code-qr").wait_for()
    wait_text(page, f"device-status-{spare.device_id}", "active")
    save_screenshot(page, "console-admin.png")

    ui(page, f"revoke-{spare.device_id}").click()
    ui(page, "revoke-confirm").click()
    wait_text(page, f"device-status-{spare.device_id}", "revoked")
    wait_text(page, "message", "revoked")

    with httpx.Client(base_url=stage.url, timeout=10) as client:
        envelope = spare.seal(*spare.sign_next(report_at(spare, minutes=60 * 24 * 3 + 5)))
        answer = client.post("/api/v1/submissions", json={"envelopes": [envelope]}, headers=spare.auth)
        assert answer.status_code in (401, 403)
        # The code shown on screen enrols a new device, once.
        newcomer = make_device(31)
        newcomer.enroll(client, code)


def test_export_downloads_csv_filtered_as_the_queue(stage, page):
    sign_in(page, stage.url, "vera")
    wait_text(page, "queue-range", "oldest first")
    with page.expect_download() as download_info:
        ui(page, "export-csv").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows and {row["state"] for row in rows} == {"received"}  # the queue's filter: received
    ui(page, "queue-range").wait_for()  # still on the console: the download did not navigate away
    assert "/console" in page.url
    assert "download" not in page.url
    # The ticket in the link worked once; the token never appeared in it.
    assert download.url.count("/console/download/") == 1
    assert httpx.get(download.url, timeout=10).status_code == 410


def test_corroboration_window_is_adjustable(stage, page):
    """Narrowing the distance drops the farther reports from the list."""
    near_observer = stage.neighbours[0]  # 2.5 km and 40 min from the observer's report
    sign_in(page, stage.url, "vera")
    ui(page, f"open-{near_observer}").click()
    wait_text(page, "corroboration-summary", "3 report(s)")
    type_into(page, "corroboration-km", "3")
    ui(page, "corroboration-search").click()
    wait_text(page, "corroboration-summary", "1 report(s)")
    ui(page, f"candidate-{stage.observer_record}").wait_for()
    assert ui(page, f"candidate-{stage.neighbours[1]}").count() == 0


def test_overview_map_shows_reports_by_state(stage, page):
    sign_in(page, stage.url, "vera")
    ui(page, "nav-map").click()
    wait_text(page, "overview-legend", "rejected: 1")
    wait_text(page, "overview-legend", "report(s) on the map")
    ui(page, "overview-map").wait_for()
