"""The console (and the server's other pages) ask no host but their own (issue 10, point 9).

A real `fieldapp serve` on loopback, Debian Chromium with Flutter's accessibility tree on, the
page not routed (nothing aborted): every request is recorded while an administrator signs
in, opens a report, the map and the administration screen; each must be to 127.0.0.1, each
answer must carry the Content-Security-Policy, and the policy must never fire. The API docs
page is checked the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.console.conftest import report_at
from tests.console.test_console_browser import CHROMIUM, CHROMIUM_ARGS, _require_chromium, sign_in, ui
from tests.support.devices import make_device
from tests.support.live_server import create_enrollment_code, create_user, live_server
from tests.support.request_log import LOOPBACK_ONLY, RequestLog

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, str]]:
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("server")
    create_user(data_dir, "ada", PASSWORD, "admin")
    with live_server(data_dir, console=True) as url, httpx.Client(base_url=url, timeout=30) as client:
        device = make_device(7)
        device.enroll(client, create_enrollment_code(data_dir), label="team 1 phone")
        record = report_at(device, place="Misrata")
        envelopes = [device.seal(*device.sign_next(record))]
        answer = client.post("/api/v1/submissions", json={"envelopes": envelopes}, headers=device.auth)
        assert answer.status_code == 200, answer.text
        yield url, record["id"]


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, LOOPBACK_ONLY]
        )
        yield launched
        launched.close()


@pytest.fixture
def recorded(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    log = RequestLog.attach(context)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page, log
    context.close()


def test_the_console_with_semantics_on_asks_only_its_own_host(served, recorded):
    url, record_id = served
    page, log = recorded
    sign_in(page, url, "ada", PASSWORD)
    ui(page, f"open-{record_id}").click()
    ui(page, "back-to-queue").click()
    ui(page, f"open-{record_id}").wait_for()  # the queue is back before the next click
    ui(page, "nav-map").click()
    ui(page, "overview-map").wait_for()
    ui(page, "nav-admin").click()
    ui(page, "code-create").wait_for()
    page.wait_for_timeout(3000)  # late loads (the Rive runtime came a moment after semantics)
    log.assert_stays_home(page)


def test_the_api_docs_page_asks_only_its_own_host(served, recorded):
    url, _ = served
    page, log = recorded
    page.goto(f"{url}/docs")
    page.wait_for_load_state("networkidle")
    assert "FieldApp" in page.content()
    log.assert_stays_home(page)
