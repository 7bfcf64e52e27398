"""Issue 13 in a real browser at 360×640, one step per test (in order): a place picked from
the nearest list, "queued" then "sent" after Finalize, a verifier's question badged and
answered, the thread on both reports, "Sync now" with the server gone says why (in English and
Arabic, no exception text), Arabic text runs isolated, and touch targets / truncation."""

import contextlib
import re
import time

import httpx
import pytest

from tests.browser.conftest import PHONE
from tests.support.live_server import create_enrollment_code, create_user, free_port, live_server

pytestmark = pytest.mark.browser

PASSPHRASE = "tinned peaches at dawn"
VERIFIER = ("vera", "a long verifier password")
QUESTION = "Which unit, and how many vehicles?"
LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"
LONG_PLACE = "The eastern checkpoint on the coastal road beyond the second roundabout of Sirte"


class Server:
    """A real server on one loopback port that a step can stop and start again."""

    def __init__(self, data_dir):
        self.data_dir, self.port = data_dir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._running: contextlib.ExitStack | None = None

    def start(self):
        stack = contextlib.ExitStack()
        stack.enter_context(live_server(self.data_dir, port=self.port))
        self._running = stack

    def stop(self):
        if self._running is not None:
            self._running.close()
            self._running = None

    def api(self, method, path, **kwargs):
        api = f"{self.url}/api/v1"
        token = httpx.post(f"{api}/auth/login", json=dict(zip(("username", "password"), VERIFIER, strict=True)))
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        return httpx.request(method, f"{api}{path}", headers=headers, **kwargs)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    made = Server(tmp_path_factory.mktemp("server"))
    create_user(made.data_dir, *VERIFIER, "verifier")
    made.start()
    yield made
    made.stop()


def toast(phone, text, timeout=60_000):
    phone.page.get_by_text(re.compile(re.escape(text))).first.wait_for(timeout=timeout)


RECORD_TEXTS = """() => {
  window.__seen = [];
  if (window.__watching) return;
  window.__watching = true;
  const keep = n => {
    if (n.nodeType !== 1) { n = n.parentElement; if (!n) return; }
    window.__seen.push((n.getAttribute('aria-label') || '') + ' ' + (n.textContent || ''));
  };
  new MutationObserver(ms => ms.forEach(m => { keep(m.target); m.addedNodes.forEach(keep); }))
    .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def record_texts(phone):
    """From now on, remember every text the page shows, however briefly (a snackbar that the
    next one replaces within a frame)."""
    phone.page.evaluate(RECORD_TEXTS)


def was_shown(phone, text, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if phone.page.evaluate("t => (window.__seen || []).some(s => s.includes(t))", text):
            return True
        time.sleep(0.2)
    return False


def labels(phone, identifier):
    """Every text the node and its children hand to the browser (aria-labels and text)."""
    node = phone.wait(identifier)
    return node.evaluate(
        "n => [n, ...n.querySelectorAll('*')].map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.textContent || '')).join(' ')"
    )


def new_report(phone, kind="other", description="Checkpoint manned by six"):
    phone.tap("new-observation")
    phone.tap(f"kind-{kind}")
    phone.wait("form-save")
    phone.choose("form-observed-by", "Saw it")
    phone.choose("form-certainty", "Confirmed")
    phone.type("form-description", description)


def finalize(phone):
    phone.tap("form-finalize")
    phone.tap("finalize-confirm-ok")
    phone.wait("new-observation")


def test_set_up_and_enrol(phone, server):
    phone.wait("setup-passphrase", timeout=60_000)
    phone.type("setup-passphrase", PASSPHRASE)
    phone.type("setup-confirm", PASSPHRASE)
    phone.tap("setup-create")
    phone.wait("enroll-server")
    phone.type("enroll-server", server.url)
    phone.type("enroll-code", create_enrollment_code(server.data_dir))
    phone.tap("enroll-submit")
    phone.wait("new-observation")
    phone.wait_text("sync-status", "Online", timeout=60)


def test_nearest_places_before_typing_and_queued_then_sent(phone, server):
    new_report(phone)
    phone.tap("loc-gps")
    phone.tap("gps-fix")
    phone.wait_text("form-mgrs-hint", "MGRS")
    phone.tap("loc-place")
    phone.wait("place-sirte")  # offered from the fix, nothing typed
    phone.screenshot("app-30-place-nearest")
    phone.tap("place-sirte")
    phone.wait_value("form-place", "Sirte")
    record_texts(phone)
    finalize(phone)
    # With the server up, "sent" may replace "queued" within one frame (a fast machine): the
    # order is pinned by tests/app/test_sync_explained.py, and "queued" on screen by the
    # offline test below.
    toast(phone, "Report sent: the server has it.")
    [report] = server.api("GET", "/reports").json()["items"]
    assert report["place"] == "Sirte (سرت)"  # what an English-reading verifier sees


def test_a_question_is_badged_and_answered_with_the_question_above_the_form(phone, server):
    [report] = server.api("GET", "/reports").json()["items"]
    original = report["record_id"]
    decided = server.api(
        "POST", f"/reports/{original}/decision", json={"state": "needs_info", "reason": QUESTION}
    )
    assert decided.status_code == 200, decided.text
    phone.tap("sync-now")
    toast(phone, "Synced.")
    phone.wait_text("questions-banner", "waiting for your answer: 1")
    phone.wait_text("tab-reviewed", "Question 1")
    phone.screenshot("app-31-home-question")
    phone.tap("questions-banner")
    phone.wait(f"list-reviewed")
    phone.wait_text(f"record-badge-{original}", "Question")
    phone.tap(f"record-{original}")
    phone.wait_text("detail-state", "Needs info")
    phone.tap("detail-answer")
    phone.wait_text("screen-title", "Answer the verifier")
    assert QUESTION in phone.text("form-question")
    phone.screenshot("app-32-form-answer")
    phone.type("form-description", "Brigade 166, twelve technicals")
    finalize(phone)
    toast(phone, "Report sent: the server has it.")
    phone.gone("questions-banner", timeout=30_000) if phone.by_id("questions-banner").count() else None
    phone.select_tab("reviewed")
    phone.wait_text(f"record-badge-{original}", "Answered")
    phone.tap(f"record-{original}")
    phone.wait_text("detail-state", "Needs info — answered")
    assert "Answered by report" in labels(phone, "detail-answered-by")
    phone.screenshot("app-33-detail-answered")
    phone.tap("detail-answered-by-open")
    phone.wait("detail-answers")
    assert f"Answers report {LRI}{original.split('-')[0]}{PDI}" in labels(phone, "detail-answers")
    phone.tap("detail-back")
    phone.wait("new-observation")


def test_sync_now_without_the_server_says_why_and_finalize_says_queued(phone, server):
    server.stop()
    record_texts(phone)
    phone.tap("sync-now")
    toast(phone, "Could not sync: no answer from the server.")
    status = phone.wait_text("sync-status", "Offline (no answer from the server)")
    assert not re.search(r"Errno|refused|httpx|Exception", status + labels(phone, "sync-status"))
    phone.screenshot("app-34-home-offline-why")
    new_report(phone, description="Second checkpoint")
    record_texts(phone)
    phone.tap("loc-gps")
    phone.tap("gps-fix")
    phone.wait_text("form-mgrs-hint", "MGRS")
    finalize(phone)
    # (the run fails at once, so its sentence may replace "Report queued for sending." in the
    # same frame: both say queued)
    toast(phone, "Report queued, not sent yet: no answer from the server.")
    assert not was_shown(phone, "Report sent", timeout=1)
    server.start()
    phone.tap("sync-now")
    toast(phone, "Report sent: the server has it.")


def test_arabic_runs_are_isolated(phone, server):
    [first] = [i for i in server.api("GET", "/reports").json()["items"] if i["state"] == "needs_info"]
    phone.tap("open-settings")
    phone.tap("lang-ar")
    phone.wait_text("screen-title", "الإعدادات")
    phone.tap("settings-back")
    phone.wait_text("screen-title", "المشاهدات")
    phone.select_tab("reviewed")
    phone.tap(f"record-{first['record_id']}")
    phone.wait("detail-message")
    message = labels(phone, "detail-message")
    assert f"{LRI}{QUESTION}{PDI}" in message  # the English question is one left-to-right run
    phone.screenshot("app-35-detail-arabic-bidi")
    phone.reveal("detail-location")
    where = labels(phone, "detail-location")
    assert re.search(f"{LRI}31\\.\\d{{5}}, 16\\.\\d{{5}}{PDI}", where), where  # coordinates stay LTR
    phone.reveal("detail-field-place")
    place = labels(phone, "detail-field-place")
    assert f"سرت ({LRI}Sirte{PDI})" in place, place  # both names, the English one isolated
    phone.tap("detail-back")
    server.stop()
    phone.tap("sync-now")
    status = phone.wait_text("sync-status", "لا رد من الخادم")
    assert not re.search("[A-Za-z]{4,}", status.replace("FieldApp", ""))
    server.start()
    phone.tap("open-settings")
    phone.tap("lang-en")
    phone.wait_text("screen-title", "Settings")
    phone.tap("settings-back")
    phone.wait("new-observation")


def test_touch_targets_chips_and_truncation_at_360(phone, server):
    assert phone.page.viewport_size == PHONE
    width = PHONE["width"]
    new_report(phone, description="A long place")
    modes = [phone.box(f"loc-{mode}") for mode in ("gps", "manual", "mgrs", "place")]
    assert len({round(box["y"]) for box in modes}) == 1  # the chips stay on one line
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= width + 1 for box in modes)
    phone.type("form-lat", "31.19")
    phone.type("form-lon", "16.62")
    phone.type("form-place", LONG_PLACE)
    phone.tap("form-save")
    phone.wait("new-observation")
    phone.select_tab("drafts")
    time.sleep(0.5)
    rows = phone.page.locator('[flt-semantics-identifier^="record-time-"]')
    rows.first.wait_for(timeout=10_000)
    box = rows.first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width + 1 and box["width"] > 40  # the time shows
    assert re.search(r"\d{2}:\d{2}", rows.first.evaluate("n => n.getAttribute('aria-label') || n.textContent"))
    phone.screenshot("app-36-home-long-place")
    small, measured = [], 0
    for node in phone.page.locator('[role="button"], flt-semantics[flt-tappable]').all():
        target = node.bounding_box()
        if target and target["width"] > 0 and target["y"] < PHONE["height"] and target["y"] + target["height"] > 0:
            measured += 1
            if target["height"] < 47.5 or target["width"] < 47.5:
                small.append((node.get_attribute("aria-label") or node.text_content(), target))
    assert small == []
    assert measured >= 8  # tabs, sync now, lock, settings, rows, new observation
