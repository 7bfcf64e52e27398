"""The report page in a real browser (Chromium) against a real `fieldapp serve`, at a desk
(1280x800) and on a phone (390x844): it reads like a report (issue 14, points 1, 2 and 5) —
the observation first with its location description, then photos, corroboration, the
decision, the signature/chain/hashes folded away, the audit trail in words; on the phone one
column in that order, buttons at least 48 px high, no text squeezed to a letter per line."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.console.conftest import PASSWORD
from tests.console.test_console_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _enrolled,
    _require_chromium,
    _send,
    save_screenshot,
    sign_in,
    ui,
    wait_text,
)
from tests.support.live_server import create_user, live_server

pytestmark = pytest.mark.browser

SIRTE_12_KM_NE = (31.2813, 16.6793)  # 12 km NE of the gazetteer's Sirte (31.205, 16.588)
QUESTION = "Which direction did the rounds come from?"
SECTIONS = (
    "report-observation",
    "photos-card",
    "report-corroboration",
    "report-decision",
    "integrity",
    "audit-trail",
)
BUTTONS = ("back-to-queue", "lock-take", "decide-verified", "decide-needs_info", "corroboration-search")


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    _require_chromium()
    data_dir: Path = tmp_path_factory.mktemp("server")
    create_user(data_dir, "vera", PASSWORD, "verifier")
    # Observed an hour ago in Libya's time (UTC+02:00), saved a minute ago: no timing warning.
    observed = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    local = observed.astimezone(UTC).replace(tzinfo=None) + timedelta(hours=2)
    with live_server(data_dir, console=True) as url, httpx.Client(base_url=url, timeout=10) as client:
        team, other = (
            _enrolled(client, data_dir, 61, "team 1 phone"),
            _enrolled(client, data_dir, 62, "team 2"),
        )
        report = team.record(
            kind="violation",
            observed_at=local.isoformat() + "+02:00",
            recorded_at=(datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0).isoformat(),
            location={"lat": SIRTE_12_KM_NE[0], "lon": SIRTE_12_KM_NE[1], "accuracy_m": 15, "source": "gps"},
            place="East of Sirte, coastal road",
            observed_by="heard",
            certainty="probable",
            description="Four impacts south of the coastal road, heard from the checkpoint",
            details={"type": "shelling", "count": 4, "direction": "S", "range_band": "3-5km"},
        )
        nearby = other.record(
            kind="violation",
            observed_at=(observed + timedelta(minutes=20)).isoformat(),
            recorded_at=(observed + timedelta(minutes=25)).isoformat(),
            location={
                "lat": SIRTE_12_KM_NE[0] + 0.01,
                "lon": SIRTE_12_KM_NE[1],
                "accuracy_m": 10,
                "source": "gps",
            },
            details={"type": "shelling"},
        )
        _send(client, team, [report])
        _send(client, other, [nearby])
        token = client.post("/api/v1/auth/login", json={"username": "vera", "password": PASSWORD}).json()[
            "token"
        ]
        answer = client.post(
            f"/api/v1/reports/{report['id']}/decision",
            json={"state": "needs_info", "reason": QUESTION},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        yield url, report, nearby, local


@pytest.fixture(scope="module")
def browser(stage):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
            else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _open_report(page, url: str, record_id: str, nearby_id: str) -> None:
    """Through the other team's report (still in the queue of received reports), from its
    corroboration list: the report itself was asked a question, so it left that queue."""
    sign_in(page, url, "vera")
    ui(page, f"open-{nearby_id}").click()
    ui(page, f"candidate-{record_id}").wait_for()
    ui(page, f"open-{record_id}").click()
    wait_text(page, "location-description", "12 km NE of Sirte")
    wait_text(page, "audit-trail", QUESTION)


def _boxes(page, identifiers) -> dict[str, dict]:
    found = {}
    for identifier in identifiers:
        node = ui(page, identifier).first
        node.wait_for(state="attached")
        box = node.bounding_box()
        deadline = time.monotonic() + 10  # a node the page is re-laying out has no box a moment
        while box is None and time.monotonic() < deadline:
            time.sleep(0.2)
            box = node.bounding_box()
        assert box is not None, identifier
        found[identifier] = box
    return found


def _reads_the_observation(page, local: datetime) -> None:
    wait_text(page, "observation-kind", "Ceasefire violation")
    wait_text(page, "observation-when", f"{local:%Y-%m-%d %H:%M} (UTC+02:00)")
    wait_text(page, "observation-when", f"{local - timedelta(hours=2):%Y-%m-%d %H:%M} UTC")
    wait_text(page, "observation-mgrs", "33R")
    wait_text(page, "field-observed_by", "Heard it")
    wait_text(page, "detail-type", "Shelling")
    wait_text(page, "detail-range_band", "3–5 km")
    order = [
        _boxes(page, [f"detail-{name}"])[f"detail-{name}"]["y"] for name in ("type", "count", "direction")
    ]
    assert order == sorted(order)  # the form's order, not the signed JSON's alphabetical one


def _integrity_folded_then_opened(page) -> None:
    wait_text(page, "signature-status", "Signature valid")
    wait_text(page, "chain-status", "chain valid")
    assert ui(page, "body-hash").count() == 0  # folded: the hashes are not drawn
    toggle = ui(page, "integrity-toggle").first
    toggle.scroll_into_view_if_needed()
    time.sleep(1)  # the Flutter scroll lands on the next frame
    box = toggle.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + min(28, box["height"] / 2))
    try:
        ui(page, "body-hash").first.wait_for(state="attached")
    except Exception:
        page.screenshot(path="/tmp/locdesc-integrity.png")
        raise


def _audit_in_words(page) -> None:
    wait_text(page, "audit-event-1", "needs info (was received)")
    text = ui(page, "audit-event-1").first.evaluate("e => (e.getAttribute('aria-label') || '') + e.innerText")
    assert "→" not in text and "vera" in text


def test_at_a_desk_the_report_reads_top_to_bottom_in_two_columns(stage, browser):
    url, report, nearby, local = stage
    context, page = _page(browser, 1280, 800)
    try:
        _open_report(page, url, report["id"], nearby["id"])
        _reads_the_observation(page, local)
        boxes = _boxes(page, SECTIONS)
        left, right = SECTIONS[:2], SECTIONS[2:]
        assert all(boxes[name]["x"] < boxes["report-corroboration"]["x"] for name in left)
        for column in (left, right):  # each column in the report's order
            tops = [boxes[name]["y"] for name in column]
            assert tops == sorted(tops), column
        assert boxes["report-observation"]["y"] <= boxes["report-corroboration"]["y"] + 1
        save_screenshot(page, "console-report-1280x800.png")
        _integrity_folded_then_opened(page)
        _audit_in_words(page)
        save_screenshot(page, "console-report-1280x800-integrity.png")
    finally:
        context.close()


def test_on_a_phone_the_report_stacks_in_one_column(stage, browser):
    url, report, nearby, local = stage
    # Reached at desk width (the queue's phone layout is another part of issue 14), then the
    # window is a phone's: the page re-lays itself out for the new width.
    context, page = _page(browser, 1280, 800)
    try:
        _open_report(page, url, report["id"], nearby["id"])
        page.set_viewport_size({"width": 390, "height": 844})
        _reads_the_observation(page, local)
        boxes = _boxes(page, SECTIONS)
        tops = [boxes[name]["y"] for name in SECTIONS]
        assert tops == sorted(tops) and len(set(tops)) == len(tops)
        lefts = {round(boxes[name]["x"]) for name in SECTIONS}
        assert max(lefts) - min(lefts) <= 2  # one column
        for identifier, box in _boxes(page, BUTTONS).items():
            assert box["height"] >= 47.5, (identifier, box)
        save_screenshot(page, "console-report-390x844.png")
        squeezed = page.evaluate(
            """() => [...document.querySelectorAll('flt-semantics')].filter(e => {
                const text = (e.getAttribute('aria-label') || '') + (e.childElementCount ? '' : e.innerText);
                const box = e.getBoundingClientRect();
                const narrow = box.width > 0 && box.width < 24 && box.height > 3 * box.width;
                return text.trim().length >= 4 && narrow;
            }).map(e => (e.getAttribute('aria-label') || e.innerText).slice(0, 40))"""
        )
        assert squeezed == []  # no text wrapped a letter per line
        _integrity_folded_then_opened(page)
        _audit_in_words(page)
        save_screenshot(page, "console-report-390x844-integrity.png")
    finally:
        context.close()
