"""Drive the observer app in Debian's Chromium (FLET.md, "Testing in a real browser").

The app runs as `python -m fieldapp app --web` on a free loopback port with a temporary
data dir; one browser and one phone-sized page per module. Every request that is not
to 127.0.0.1 is aborted. Screenshots go to $FIELDAPP_SCREENSHOT_DIR or a temp dir.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import REPO_ROOT, free_port

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 360, "height": 640}
GPS_FIX = {"latitude": 31.2089, "longitude": 16.5887, "accuracy": 15}  # Sirte
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("CI=true but /usr/bin/chromium is missing: the browser suite must run in CI")
    skip = pytest.mark.skip(reason="/usr/bin/chromium is missing (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory):
    given = os.environ.get("FIELDAPP_SCREENSHOT_DIR")
    path = Path(given) if given else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def app_data_dir(tmp_path_factory):
    """The served app's data directory (a module may open the device there to check the store)."""
    return tmp_path_factory.mktemp("device")


@pytest.fixture(scope="module")
def chromium_args():
    """Chromium's flags; a module may add some (the camera test adds a fake camera)."""
    return CHROMIUM_ARGS


@pytest.fixture(scope="module")
def permissions():
    """What the page is allowed without asking."""
    return ["geolocation"]


@pytest.fixture(scope="module")
def app_url(app_data_dir):
    """The app served on a free loopback port; stopped after the module."""
    data_dir = app_data_dir
    port = free_port()
    log_path = data_dir.parent / f"app-{port}.log"
    env = {**os.environ, "FIELDAPP_DATA_DIR": str(data_dir)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fieldapp",
                "app",
                "--web",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app exited: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the app did not answer within 30 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium_args):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=chromium_args)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def phone(browser, app_url, screenshot_dir, permissions):
    """A phone-sized page with the app loaded and Flutter's accessibility tree on."""
    from tests.browser.ui import Ui

    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        geolocation=GPS_FIX,
        permissions=permissions,
    )
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    page = context.new_page()
    page.goto(app_url)
    ui = Ui(page, screenshot_dir)
    ui.enable_semantics()
    yield ui
    context.close()
