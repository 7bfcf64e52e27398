"""The observer app asks no host but its own (issue 10, point 9; docs/security.md).

With Flutter's accessibility tree on (as a screen reader turns it on), flet-web 1.0.5's
client used to fetch the Rive runtime from a CDN: on a connected laptop that tells a third
party the monitor's address. Here the page is not routed (nothing aborted): every request it
makes is recorded while it goes through the first screens, and each must be to 127.0.0.1,
each answer must carry the Content-Security-Policy, and the policy must never fire.
"""

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, PHONE
from tests.browser.ui import Ui
from tests.support.request_log import LOOPBACK_ONLY, RequestLog

pytestmark = pytest.mark.browser

PASSPHRASE = "tinned peaches at dawn"


@pytest.fixture(scope="module")
def chromium_args():
    return [*CHROMIUM_ARGS, LOOPBACK_ONLY]


@pytest.fixture(scope="module")
def recorded(browser, app_url, screenshot_dir):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    log = RequestLog.attach(context)
    page = context.new_page()
    page.goto(app_url)
    ui = Ui(page, screenshot_dir)
    ui.enable_semantics()
    yield ui, log
    context.close()


def test_the_app_with_semantics_on_asks_only_its_own_host(recorded):
    ui, log = recorded
    ui.wait("setup-passphrase", timeout=60_000)
    ui.type("setup-passphrase", PASSPHRASE)
    ui.type("setup-confirm", PASSPHRASE)
    ui.tap("setup-create")
    ui.tap("enroll-later")
    ui.tap("new-observation")
    ui.tap("kind-violation")
    ui.wait("form-save")
    ui.tap("form-back")
    ui.tap("open-settings")
    ui.tap("lang-ar")  # Arabic: Flutter fetches its Noto fallback font
    ui.wait_text("screen-title", "الإعدادات")
    ui.tap("settings-back")
    ui.wait("new-observation")
    ui.page.wait_for_timeout(3000)  # late loads (the Rive runtime came a moment after semantics)
    log.assert_stays_home(ui.page)
