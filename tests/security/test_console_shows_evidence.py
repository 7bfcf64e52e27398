"""What a verifier and an administrator see in the console (real Chromium, real server): a
fork is FORK in the queue and on the report, the device list counts it, and an account locked
by password guessing shows as locked with an Unlock button that works."""

from collections.abc import Iterator

import httpx
import pytest

from tests.console.test_console_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _require_chromium,
    sign_in,
    ui,
    wait_text,
)
from tests.security.conftest import API, PASSWORD, Target
from tests.security.conftest import sign_in as api_sign_in
from tests.support.live_server import create_user, live_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Iterator[tuple[Target, dict]]:
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("server")
    create_user(data_dir, "ada", PASSWORD, "admin")
    create_user(data_dir, "vic", PASSWORD, "verifier")
    create_user(data_dir, "vera", PASSWORD, "verifier")
    with live_server(data_dir, console=True) as url, httpx.Client(base_url=url, timeout=30) as http:
        target = Target(url, data_dir, http, api_sign_in(http, "ada"), api_sign_in(http, "vera"))
        device = target.enrolled(seed=41)
        first, second = device.envelopes(2)
        device.seq, device.prev_hash = 1, device.signed[0][0].hash
        twin = device.envelopes(1)[0]
        target.push(device, [first, second, twin])
        yield (
            target,
            {
                "device": device.device_id,
                "fork": [second["header"]["record_id"], twin["header"]["record_id"]],
            },
        )


@pytest.fixture(scope="module")
def browser(scene):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_a_fork_is_shown_in_the_queue_on_the_report_and_in_the_device_list(scene, page):
    target, facts = scene
    sign_in(page, target.url, "ada", PASSWORD)
    wait_text(page, "queue-range", "oldest first")
    for record_id in facts["fork"]:
        wait_text(page, f"queue-row-{record_id}", "FORK")
    ui(page, f"open-{facts['fork'][0]}").click()
    wait_text(page, "chain-status", "FORK: this device signed another record")
    ui(page, f"fork-{facts['fork'][1]}").wait_for()
    ui(page, "nav-admin").click()
    wait_text(page, f"device-forks-{facts['device']}", "2")


def test_a_locked_account_is_shown_and_can_be_unlocked(scene, page):
    target, _ = scene
    for _ in range(8):  # the 8th failure locks for 15 s x 2^3: long enough for a loaded machine
        target.http.post(f"{API}/auth/login", json={"username": "vic", "password": "a guess"})
    sign_in(page, target.url, "ada", PASSWORD)
    wait_text(page, "queue-range", "oldest first")
    ui(page, "nav-admin").click()
    wait_text(page, "user-status-vic", "locked until")
    ui(page, "user-unlock-vic").click()
    wait_text(page, "message", "unlocked")
    wait_text(page, "user-status-vic", "active")
    ui(page, "user-toggle-vic").wait_for()
    assert (
        target.http.post(f"{API}/auth/login", json={"username": "vic", "password": PASSWORD}).status_code
        == 200
    )
