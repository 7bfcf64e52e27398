"""The tracker page in a real browser (Chromium) against a real `fieldapp serve`: the sample
register, reports naming its entries, a verifier's decisions; the page shows each obligation's
status from verified reports only, the progress chart with its deadline, and the flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from server.registers.admin import seed_sample
from server.settings import Settings
from tests.console.conftest import PASSWORD, T0
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
SIGNED_ON = datetime.now(UTC).date() - timedelta(days=30)
DEADLINE = (SIGNED_ON + timedelta(days=90)).isoformat()


def _report(device, kind: str, lat: float, lon: float, details: dict, minutes: int) -> dict:
    observed = T0 + timedelta(minutes=minutes)
    return device.record(
        kind=kind,
        observed_at=observed.isoformat(),
        recorded_at=(observed + timedelta(minutes=2)).isoformat(),
        location={"lat": lat, "lon": lon, "accuracy_m": 10, "source": "gps"},
        details=details,
    )


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    _require_chromium()
    data_dir: Path = tmp_path_factory.mktemp("server")
    create_user(data_dir, "vera", PASSWORD, "verifier")
    create_user(data_dir, "ada", PASSWORD, "admin")
    # signed a month ago by the server's (real) clock: the deadlines are two months ahead
    seed_sample(Settings.resolve(data_dir=data_dir, environ={}), signed_on=SIGNED_ON)
    with live_server(data_dir, console=True) as url, httpx.Client(base_url=url, timeout=10) as client:
        a = _enrolled(client, data_dir, 51, "team 1 phone")
        b = _enrolled(client, data_dir, 52, "team 2 phone")
        back = {"unit": {"id": "unit-w1", "name": "West 1st Brigade"},
                "camp": {"id": "camp-misrata", "name": "Misrata air college camp"}, "completeness": "full"}
        records = {
            "w1-a": _report(a, "withdrawal", 32.33, 15.07, back, 60),
            "w1-b": _report(b, "withdrawal", 32.32, 15.05, back, 90),
            "e7-rejected": _report(a, "withdrawal", 31.06, 16.76,
                                   {"unit": {"id": "unit-e7", "name": "East 7th Brigade"}, "completeness": "full"}, 120),
            "mitiga": _report(a, "foreign_fighters", 32.89, 13.28,
                              {"activity": "departure", "estimated_number": 90,
                               "crossing_point": {"id": "mitiga", "name": "Mitiga airport"}}, 60 * 26),
            "beyond": _report(b, "unit_movement", 30.7, 16.5, {"unit": {"id": "unit-w1", "name": "West 1st Brigade"}}, 200),
        }
        _send(client, a, [records[k] for k in ("w1-a", "e7-rejected", "mitiga")])
        _send(client, b, [records[k] for k in ("w1-b", "beyond")])
        token = client.post("/api/v1/auth/login", json={"username": "vera", "password": PASSWORD}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        for key, state in (("w1-a", "verified"), ("w1-b", "verified"), ("e7-rejected", "rejected"), ("mitiga", "verified")):
            answer = client.post(f"/api/v1/reports/{records[key]['id']}/decision",
                                 json={"state": state, "reason": "checked"}, headers=auth)
            assert answer.status_code == 200, answer.text
        yield url, {k: r["id"] for k, r in records.items()}


@pytest.fixture(scope="module")
def page(stage):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else route.abort())
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        context.close()
        browser.close()


def test_the_tracker_shows_status_from_verified_reports_with_evidence_chart_and_flags(stage, page):
    url, ids = stage
    sign_in(page, url, "vera")
    ui(page, "nav-tracker").click()
    wait_text(page, "obligation-status-return-unit-w1", "verified complete")  # two devices, both verified
    wait_text(page, "obligation-status-return-unit-e7", "not started")  # its only report was rejected
    wait_text(page, "obligation-fighters-mitiga", "90 of 150 departed")
    wait_text(page, "obligation-status-fighters-mitiga", "in progress")
    assert ui(page, f"evidence-return-unit-w1-{ids['w1-a']}").count() == 1
    assert ui(page, f"evidence-return-unit-e7-{ids['e7-rejected']}").count() == 0
    wait_text(page, f"chart-deadline-{DEADLINE}", f"deadline {DEADLINE}")
    wait_text(page, "unit-unit-w1", "at its camp")
    wait_text(page, f"flag-beyond_withdrawal_line-{ids['beyond']}", "beyond a withdrawal line")
    save_screenshot(page, "console-tracker.png")

    ui(page, "tracker-side").click()
    page.get_by_role("button", name="east", exact=True).first.click()
    ui(page, "tracker-apply").click()
    wait_text(page, "obligation-status-return-unit-e7", "not started")
    page.wait_for_function(
        "() => !document.querySelector('[flt-semantics-identifier=\"obligation-return-unit-w1\"]')", timeout=30_000
    )

    ui(page, f"flag-open-beyond_withdrawal_line-{ids['beyond']}").click()  # the flag opens its report
    wait_text(page, "detail-unit", "West 1st Brigade (register id unit-w1)")


def test_an_administrator_retires_a_camp_on_the_registers_page(stage, page):
    url, _ids = stage
    sign_in(page, url, "ada")
    ui(page, "nav-registers").click()
    wait_text(page, "registers-row-camp-yarmouk", "version 1")
    ui(page, "registers-retire-camp-yarmouk").click()
    wait_text(page, "registers-notice", "Retired camp-yarmouk.")
    wait_text(page, "registers-row-camp-yarmouk", "retired")
    save_screenshot(page, "console-registers.png")
    ui(page, "registers-retire-camp-yarmouk").click()  # now "Restore"
    wait_text(page, "registers-row-camp-yarmouk", "version 3")
