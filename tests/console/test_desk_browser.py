"""The verifier's desk in a real browser (Chromium) against a real `fieldapp serve`: the live
queue (a "new reports" banner, rows changing state in place, answers threaded under their
question), filters in the URL (reload, shared address), the console at phone width (menu,
cards, 48 px buttons, no text one letter per line) and the keyboard shortcuts with their help.
Writes docs/screenshots/console-queue-desktop.png, console-queue-phone.png and
console-shortcuts.png (with FIELDAPP_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.console.conftest import PASSWORD, report_at
from tests.console.test_console_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _enrolled,
    _require_chromium,
    _send,
    save_screenshot,
    sign_in,
    type_into,
    ui,
    wait_text,
)
from tests.support.devices import TestDevice
from tests.support.live_server import create_user, live_server

pytestmark = pytest.mark.browser
API = "/api/v1"


@dataclass
class Desk:
    url: str
    data_dir: Path
    device: TestDevice
    ids: list[str]  # unit movements, oldest first
    violation: str
    question: str  # the report asked a question
    answer: str  # the amendment answering it

    @contextlib.contextmanager
    def api(self, username: str = "otto") -> Iterator[httpx.Client]:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            answer = client.post(f"{API}/auth/login", json={"username": username, "password": PASSWORD})
            client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
            yield client

    def send(self, **overrides) -> str:
        record = report_at(self.device, **overrides)
        with httpx.Client(base_url=self.url, timeout=10) as client:
            _send(client, self.device, [record])
        return record["id"]

    def lock(self, record_id: str) -> dict | None:
        with self.api() as client:
            return client.get(f"{API}/reports/{record_id}").json()["lock"]

    def state(self, record_id: str) -> str:
        with self.api() as client:
            return client.get(f"{API}/reports/{record_id}").json()["state"]


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Iterator[Desk]:
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("desk")
    for name, role in (("vera", "verifier"), ("otto", "verifier"), ("ada", "admin")):
        create_user(data_dir, name, PASSWORD, role)
    with live_server(data_dir, console=True) as url, httpx.Client(base_url=url, timeout=10) as client:
        device = _enrolled(client, data_dir, 71, "team 4 phone")
        records = [
            report_at(
                device, minutes=m, north_km=m / 10, description=f"Column of {m + 3} trucks heading west"
            )
            for m in (0, 10, 20, 30)
        ]
        violation = report_at(device, minutes=40, kind="violation", description="Shelling heard to the south")
        question = report_at(device, minutes=50, description="Checkpoint moved")
        _send(client, device, [*records, violation, question])
        desk = Desk(url, data_dir, device, [r["id"] for r in records], violation["id"], question["id"], "")
        with desk.api("vera") as vera:
            asked = vera.post(
                f"{API}/reports/{question['id']}/decision",
                json={"state": "needs_info", "reason": "Which road, and how far from the junction?"},
            )
            assert asked.status_code == 200, asked.text
        desk.answer = desk.send(
            minutes=55, amends=question["id"], description="Coastal road, 2 km west of it"
        )
        yield desk


@pytest.fixture(scope="module")
def browser(desk):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})

    def only_loopback(route):
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _page(browser, 1280, 800)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context, page = _page(browser, 390, 844)
    yield page
    context.close()


def _until(check, *, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"never happened: {what}")


def _press(page, key: str) -> None:
    """A key pressed on the page itself (not in a field): focus moves off any text field first."""
    page.keyboard.press(key)


# -- the live queue --------------------------------------------------------------------------


def test_a_new_report_shows_a_banner_and_a_decision_changes_its_row_in_place(desk, page):
    sign_in(page, desk.url, "vera")
    ui(page, f"queue-row-{desk.ids[0]}").wait_for()
    wait_text(page, f"queue-row-{desk.ids[0]}", "Column of 3 trucks heading west")  # the description column
    # the answer is threaded under its question, and says what it answers
    wait_text(page, f"queue-answer-{desk.answer}", "Which road, and how far from the junction?")
    assert ui(page, "queue-new-banner").count() == 0 or not ui(page, "queue-new-banner").is_visible()

    arrived = desk.send(minutes=70, description="Two tanks on the ring road")
    wait_text(page, "queue-new-banner", "1 new report")
    assert ui(page, f"queue-row-{arrived}").count() == 0  # quiet: the list did not jump
    ui(page, "queue-new-banner").click()
    wait_text(page, f"queue-row-{arrived}", "Two tanks on the ring road")
    _until(lambda: not ui(page, "queue-new-banner").is_visible(), what="banner hidden once shown")

    with desk.api("otto") as otto:  # another verifier decides a report on this page
        assert (
            otto.post(f"{API}/reports/{desk.ids[1]}/decision", json={"state": "verified"}).status_code == 200
        )
    wait_text(page, f"queue-state-{desk.ids[1]}", "verified")
    wait_text(page, "count-verified", "1")
    assert ui(page, f"queue-row-{desk.ids[1]}").count() == 1  # still in its place, its state changed
    save_screenshot(page, "console-queue-desktop.png")


def test_filters_live_in_the_url_a_reload_keeps_them_and_a_shared_url_opens_the_same_view(
    desk, page, browser
):
    sign_in(page, desk.url, "vera")
    ui(page, f"queue-row-{desk.ids[0]}").wait_for()
    ui(page, "count-needs_info").click()  # show the reports waiting for an answer
    _until(lambda: "state=needs_info" in here(page), what=f"state in the URL, got {here(page)}")
    ui(page, f"queue-row-{desk.question}").wait_for()
    _until(lambda: ui(page, f"queue-row-{desk.ids[0]}").count() == 0, what="other states hidden")
    shared = here(page)

    # A reload reattaches to the same console session (Flet keeps it for the tab): same view.
    page.reload()
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)

    def reattached() -> bool:
        placeholder = page.locator("flt-semantics-placeholder")
        if placeholder.count():  # the accessibility tree comes on with a click on it
            placeholder.dispatch_event("click")
        return ui(page, f"queue-row-{desk.question}").count() > 0

    _until(reattached, timeout=60, what="the queue back after the reload")
    assert ui(page, f"queue-row-{desk.ids[0]}").count() == 0
    assert "state=needs_info" in here(page)

    # the same address opened by another verifier in another browser shows the same view
    context, other = _page(browser, 1280, 800)
    try:
        other.goto(shared)
        sign_in_here(other, "otto")
        ui(other, f"queue-row-{desk.question}").wait_for()
        assert ui(other, f"queue-row-{desk.ids[0]}").count() == 0
        assert "state=needs_info" in here(other)
    finally:
        context.close()


def here(page) -> str:
    """The address bar now (Playwright's page.url can lag behind the app's history.pushState)."""
    return page.evaluate("location.href")


def sign_in_here(page, username: str) -> None:
    """Sign in on the page already at a console address (keeping its path and query)."""
    from tests.console.test_console_browser import PlaywrightTimeout

    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
    deadline = time.monotonic() + 90
    while True:
        placeholder = page.locator("flt-semantics-placeholder")
        if placeholder.count():
            placeholder.dispatch_event("click")
        try:
            ui(page, "login-username").first.wait_for(state="attached", timeout=10_000)
            break
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
    type_into(page, "login-username", username)
    type_into(page, "login-password", PASSWORD)
    ui(page, "login-submit").click()


# -- phone width -----------------------------------------------------------------------------


def _no_letter_columns(page) -> None:
    """No text drawn one letter per line: a node with a word of text is never a thin column."""
    thin = page.evaluate(
        """() => [...document.querySelectorAll('flt-semantics')].map(e => {
            const r = e.getBoundingClientRect();
            const text = (e.getAttribute('aria-label') || e.innerText || '').trim();
            return {text, w: r.width, h: r.height};
        }).filter(n => n.text.length >= 4 && !n.text.includes('\\n') && n.w > 0 && n.w < 24 && n.h > 48)"""
    )
    assert not thin, thin


def _tall_enough(page, identifier: str) -> None:
    box = ui(page, identifier).first.bounding_box()
    assert box and box["height"] >= 47.5, (identifier, box)


def test_at_phone_width_the_side_bar_is_a_menu_and_the_queue_is_cards(desk, phone):
    sign_in(phone, desk.url, "ada")
    ui(phone, f"queue-row-{desk.ids[0]}").wait_for()
    card = ui(phone, f"queue-row-{desk.ids[0]}").first.bounding_box()
    assert card and card["width"] <= 390 and card["height"] > 80  # a card: its lines stacked
    assert not ui(phone, "nav-map").first.is_visible()  # the side bar is folded into the menu
    for identifier in (
        "nav-menu",
        "sign-out",
        "shortcuts-open",
        f"open-{desk.ids[0]}",
        "count-received",
        "filter-apply",
        "filter-clear",
        "queue-next",
        "export-csv",
    ):
        _tall_enough(phone, identifier)
    _no_letter_columns(phone)
    save_screenshot(phone, "console-queue-phone.png")

    for screen, ready in (
        ("map", None),
        ("tracker", None),
        ("admin", None),
        ("queue", f"queue-row-{desk.ids[0]}"),
    ):
        ui(phone, "nav-menu").click()
        ui(phone, f"nav-{screen}").wait_for(state="visible")
        _tall_enough(phone, f"nav-{screen}")
        ui(phone, f"nav-{screen}").click()
        _until(lambda s=screen: not ui(phone, f"nav-{s}").first.is_visible(), what="menu closed")
        if ready:
            ui(phone, ready).wait_for()
        time.sleep(1.5)
        _no_letter_columns(phone)


# -- shortcuts -------------------------------------------------------------------------------


def test_shortcuts_take_the_lock_decide_and_navigate_but_not_while_typing(desk, page):
    first, second = desk.ids[2], desk.ids[3]
    sign_in(page, desk.url, "vera")
    ui(page, f"queue-row-{first}").wait_for()
    # typing in a filter field: the letters go into the field, nothing else happens
    type_into(page, "filter-device", "jjkv")
    time.sleep(1)
    assert ui(page, "lock-status").count() == 0 and "/queue" in here(page)
    page.mouse.click(700, 320)  # off the field

    _press(page, "?")
    wait_text(page, "shortcuts-help", "Next report")
    save_screenshot(page, "console-shortcuts.png")
    _press(page, "Escape")
    _until(lambda: ui(page, "shortcuts-help").count() == 0, what="help closed")

    # select the report on the queue with j, open it with Enter
    with desk.api() as client:  # where `first` is on the queue now (other tests decide reports)
        answer = client.get(f"{API}/reports", params={"state": "received"})  # the console's default
        page_ids = [i["record_id"] for i in answer.json()["items"]]
    for _ in range(page_ids.index(first) + 1):
        _press(page, "j")
    _press(page, "Enter")
    wait_text(page, "lock-status", "Not locked")
    assert f"/report/{first}" in here(page)
    _press(page, "l")
    wait_text(page, "lock-status", "Locked by you")
    assert desk.lock(first)["username"] == "vera"

    _press(page, "q")  # back to the queue: the lock is given back
    ui(page, f"queue-row-{first}").wait_for()
    _until(lambda: desk.lock(first) is None, what="lock released on leaving the report")

    ui(page, f"open-{second}").click()
    wait_text(page, "lock-status", "Not locked")
    _press(page, "l")
    wait_text(page, "lock-status", "Locked by you")
    _press(page, "v")
    wait_text(page, "report-state", "verified")
    assert desk.state(second) == "verified" and desk.lock(second) is None  # released on decision

    _press(page, "k")  # the previous report on the queue page
    previous = page_ids[page_ids.index(second) - 1]
    _until(lambda: f"/report/{previous}" in here(page), what="previous report opened")
    wait_text(page, "lock-status", "Not locked")
    _press(page, "i")  # needs info: into the reason field; keys typed there are the question's
    reason = ui(page, "decision-reason").locator("textarea, input").first
    _until(lambda: reason.evaluate("e => e === document.activeElement"), what="reason focused")
    page.keyboard.type("Which vehicles, how many?")
    assert desk.state(previous) == "received"  # the v and the h typed did not decide anything
    page.keyboard.press("Control+Enter")
    wait_text(page, "report-state", "needs info")
    assert desk.state(previous) == "needs_info" and desk.lock(previous) is None
